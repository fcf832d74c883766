/**
 * ethers 6 contracts typed from the generated `as const` ABIs in core/abis: every function of the ABI becomes a method
 * whose arguments and result have the types ethers takes and returns (integers of any width are `bigint`, structs are
 * read by field name, transactions resolve to a ContractTransactionResponse).
 */
import {
  Contract,
  type AddressLike,
  type BaseContract,
  type BigNumberish,
  type BytesLike,
  type ContractRunner,
  type ContractTransactionResponse,
  type InterfaceAbi,
  type Overrides,
} from "ethers";

/** One parameter of a JSON ABI entry. */
interface AbiParameter {
  readonly type: string;
  readonly name?: string;
  readonly components?: readonly AbiParameter[];
}

/** A function of a JSON ABI. */
interface AbiFunction {
  readonly type: "function";
  readonly name: string;
  readonly inputs: readonly AbiParameter[];
  readonly outputs: readonly AbiParameter[];
  readonly stateMutability: "pure" | "view" | "nonpayable" | "payable";
}

/** A JSON ABI as core/abis exports it. */
export type Abi = readonly unknown[];

/** The value ethers takes (`"in"`) or returns (`"out"`) for ABI type `T` (with tuple components `C`). */
type AbiValue<T extends string, C, Way extends "in" | "out"> = T extends `${infer Item}[]`
  ? AbiValue<Item, C, Way>[]
  : T extends `${infer Item}[${number}]`
    ? AbiValue<Item, C, Way>[]
    : T extends "tuple"
      ? C extends readonly AbiParameter[]
        ? { readonly [P in C[number] as P["name"] & string]: AbiValue<P["type"], P["components"], Way> }
        : never
      : T extends `uint${string}` | `int${string}`
        ? Way extends "in"
          ? BigNumberish
          : bigint
        : T extends "address"
          ? Way extends "in"
            ? AddressLike
            : string
          : T extends "bool"
            ? boolean
            : T extends "string"
              ? string
              : T extends `bytes${string}`
                ? Way extends "in"
                  ? BytesLike
                  : string
                : unknown;

/** The argument list of a function's inputs. */
type Arguments<P extends readonly AbiParameter[]> = {
  -readonly [I in keyof P]: P[I] extends AbiParameter ? AbiValue<P[I]["type"], P[I]["components"], "in"> : never;
};

/** What a view returns: nothing, its one output, or all outputs by position. */
type Result<P extends readonly AbiParameter[]> = P extends readonly []
  ? void
  : P extends readonly [infer Only extends AbiParameter]
    ? AbiValue<Only["type"], Only["components"], "out">
    : { readonly [I in keyof P]: P[I] extends AbiParameter ? AbiValue<P[I]["type"], P[I]["components"], "out"> : never };

/** A contract method: a call for views, a transaction for the rest (overrides such as `value` last). */
type Method<F extends AbiFunction> = (
  ...args: [...Arguments<F["inputs"]>, overrides?: Overrides]
) => Promise<F["stateMutability"] extends "view" | "pure" ? Result<F["outputs"]> : ContractTransactionResponse>;

/** An ethers contract with one typed method per function of `A`. */
export type TypedContract<A extends Abi> = BaseContract & {
  readonly [F in Extract<A[number], AbiFunction> as F["name"]]: Method<F>;
};

/** An ethers Contract at `address` typed from `abi`, connected to `runner` (a provider to read, a signer to send). */
export function typedContract<A extends Abi>(abi: A, address: string, runner: ContractRunner): TypedContract<A> {
  return new Contract(address, abi as InterfaceAbi, runner) as unknown as TypedContract<A>;
}
