import { Interface } from "ethers";
import { ERC20Abi } from "../../core/abis/ERC20";
import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";
import type { InvoiceAction } from "../../core/invoice/actions";

/**
 * The unsigned transactions the API prepares: PaymentEscrow's calls and ERC-20's approve, encoded through ethers
 * Interfaces over the generated core/abis, each with its argument list written out in the ABI's order (checked
 * against the ABI's parameter types at compile time).
 */

/** An unsigned transaction for MetaMask (eth_sendTransaction) or a task to sign. uint256 as decimal text. */
export interface UnsignedTx {
  /** What the transaction does, e.g. "approve", "createInvoice", "pay". */
  action: string;
  to: string;
  data: string;
  value: string;
  chainId: number;
}

/** A parameter of an ABI entry (tuples carry their components). */
type AbiParam = { type: string; name?: string; components?: readonly AbiParam[] };
type AbiFunction = { type: "function"; name: string; inputs: readonly AbiParam[] };
type FunctionOf<Abi extends readonly unknown[]> = Extract<Abi[number], AbiFunction>;

/** The TypeScript value ethers takes for a Solidity type (the few types these calls use, and arrays of them). */
type SolidityValue<T> = T extends `${infer Item}[]`
  ? SolidityValue<Item>[]
  : T extends `uint${string}` | `int${string}`
    ? bigint
    : T extends "address" | `bytes${string}`
      ? string
      : never;

/** The value of one parameter: a tuple is an object keyed by its components' names. */
type ValueOf<P extends AbiParam> = P extends { type: "tuple"; components: infer C extends readonly AbiParam[] }
  ? { [Q in C[number] as Q["name"] & string]: SolidityValue<Q["type"]> }
  : SolidityValue<P["type"]>;

/** The values of a parameter list, in order. */
type ValuesOf<Params extends readonly AbiParam[]> = { -readonly [K in keyof Params]: ValueOf<Params[K]> };

/** The argument list of `Fn` in `Abi`, typed from its parameters. */
type ArgsOf<Abi extends readonly unknown[], Fn extends FunctionOf<Abi>["name"]> = ValuesOf<
  Extract<FunctionOf<Abi>, { name: Fn }>["inputs"]
>;

/** The name of one of PaymentEscrow's functions. */
export type EscrowFunction = FunctionOf<typeof PaymentEscrowAbi>["name"];
/** The argument list of PaymentEscrow's `Fn`. */
export type EscrowArgs<Fn extends EscrowFunction> = ArgsOf<typeof PaymentEscrowAbi, Fn>;

const ESCROW = new Interface(PaymentEscrowAbi);
const ERC20 = new Interface(ERC20Abi);

/** Where a transaction goes: the contract and its chain. */
export interface Target {
  to: string;
  chainId: number;
}

function escrowTx<Fn extends EscrowFunction>(fn: Fn, args: EscrowArgs<Fn>, target: Target, value = 0n): UnsignedTx {
  return { action: fn, ...target, data: ESCROW.encodeFunctionData(fn, args), value: value.toString() };
}

/**
 * The terms createInvoice takes (IPaymentEscrow.InvoiceTerms: null payer or arbiter as the zero address; `maxFeeBps`
 * the highest protocol fee the merchant accepts).
 */
export type CreateInvoiceTerms = EscrowArgs<"createInvoice">[0];

/** PaymentEscrow.createInvoice with `terms`, sent by the merchant. */
export function createInvoiceTx(terms: CreateInvoiceTerms, escrow: Target): UnsignedTx {
  return escrowTx("createInvoice", [terms], escrow);
}

/** The PaymentEscrow views the API reads before it prepares a call. */
type EscrowView = "feeBps" | "allowlistEnabled" | "isTokenAllowed" | "priceFeeds";

/** Call data of PaymentEscrow view `fn`. */
export function escrowViewCall<Fn extends EscrowView>(fn: Fn, args: EscrowArgs<Fn>): string {
  return ESCROW.encodeFunctionData(fn, args);
}

/** The value view `fn` returned in `result` (the node's answer to {@link escrowViewCall}). */
export function decodeEscrowView(fn: EscrowView, result: string): unknown {
  return ESCROW.decodeFunctionResult(fn, result)[0];
}

/** A payment of `amount` on invoice `id`: payNative with the value attached for ETH (`token` zero), else pay. */
export function payTx(id: bigint, amount: bigint, token: string, escrow: Target): UnsignedTx {
  return BigInt(token) === 0n ? escrowTx("payNative", [id], escrow, amount) : escrowTx("pay", [id, amount], escrow);
}

/**
 * PaymentEscrow.payPriced of invoice `id` (priced in a currency) in `token` with the payer's ceiling
 * `maxTokenAmount`, sent as the value in ETH (`token` zero; the escrow returns what the price does not need).
 */
export function payPricedTx(id: bigint, token: string, maxTokenAmount: bigint, escrow: Target): UnsignedTx {
  return escrowTx("payPriced", [id, token, maxTokenAmount], escrow, BigInt(token) === 0n ? maxTokenAmount : 0n);
}

/**
 * PaymentEscrow.payMany: pays `amounts[i]` on invoice `ids[i]` in one transaction, with `value` (the ETH invoices'
 * total) attached. List each ERC-20's invoices together so that the escrow pulls each token once.
 */
export function payManyTx(ids: bigint[], amounts: bigint[], value: bigint, escrow: Target): UnsignedTx {
  return escrowTx("payMany", [ids, amounts], escrow, value);
}

/** What the actions other than pay take besides the invoice id. */
export interface ActionValues {
  id: bigint;
  /** Amount to release or refund. */
  amount: bigint;
  /** Split of the held funds (resolve, proposeSettlement, acceptSettlement). */
  toMerchant: bigint;
  toPayer: bigint;
  /** The token whose credit withdraw takes. */
  token: string;
}

/** The argument list of each action's escrow call. */
const ACTION_ARGS: { [A in Exclude<InvoiceAction, "pay">]: (v: ActionValues) => EscrowArgs<A> } = {
  release: (v) => [v.id, v.amount],
  claim: (v) => [v.id],
  refund: (v) => [v.id, v.amount],
  reclaim: (v) => [v.id],
  cancel: (v) => [v.id],
  dispute: (v) => [v.id],
  resolve: (v) => [v.id, v.toMerchant, v.toPayer],
  proposeSettlement: (v) => [v.id, v.toMerchant],
  acceptSettlement: (v) => [v.id, v.toMerchant],
  withdraw: (v) => [v.token],
};

/** PaymentEscrow's call for `action` (any but pay: see {@link payTx}). */
export function actionTx(action: Exclude<InvoiceAction, "pay">, values: ActionValues, escrow: Target): UnsignedTx {
  return escrowTx(action, ACTION_ARGS[action](values) as EscrowArgs<typeof action>, escrow);
}

/** ERC-20 approve of `amount` for `spender` on `token`. */
export function approveTx(token: string, spender: string, amount: bigint, chainId: number): UnsignedTx {
  const args: ArgsOf<typeof ERC20Abi, "approve"> = [spender, amount];
  return { action: "approve", to: token, data: ERC20.encodeFunctionData("approve", args), value: "0", chainId };
}

/** Call data of ERC-20 allowance(owner, spender). */
export function allowanceCall(owner: string, spender: string): string {
  const args: ArgsOf<typeof ERC20Abi, "allowance"> = [owner, spender];
  return ERC20.encodeFunctionData("allowance", args);
}

/** The allowance in `result`, the node's answer to {@link allowanceCall}; throws when it is not an ERC-20's. */
export function decodeAllowance(result: string): bigint {
  return ERC20.decodeFunctionResult("allowance", result)[0] as bigint;
}

/** PaymentEscrow.payWithPermit: pays `amount` after an EIP-2612 permit of the escrow signed by the payer. */
export function payWithPermitTx(
  id: bigint,
  amount: bigint,
  permit: { deadline: bigint; v: number; r: string; s: string },
  escrow: Target,
): UnsignedTx {
  return escrowTx("payWithPermit", [id, amount, permit.deadline, BigInt(permit.v), permit.r, permit.s], escrow);
}

/** The arguments of PaymentEscrow.payRelayed: the signed payment, the payer's signature and the token pull. */
export type PayRelayedArgs = EscrowArgs<"payRelayed">;

/** Call data of PaymentEscrow.payRelayed (what the relayer sends, and simulates first). */
export function payRelayedCall(args: PayRelayedArgs): string {
  return ESCROW.encodeFunctionData("payRelayed", args);
}

/** The custom errors of PaymentEscrow and of the ERC-20s it pulls from, to read a simulation's revert. */
const REVERTS = new Interface([...PaymentEscrowAbi, ...ERC20Abi].filter((entry) => entry.type === "error"));

/** The custom error in revert data `data` (name and arguments), or undefined when neither ABI knows it. */
export function decodeRevert(data: string): { name: string; args: ArrayLike<unknown> } | undefined {
  try {
    const parsed = REVERTS.parseError(data);
    return parsed ? { name: parsed.name, args: parsed.args } : undefined;
  } catch {
    return undefined;
  }
}
