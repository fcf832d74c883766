import { Interface, type ParamType } from "ethers";
import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";

/** An unsigned transaction for MetaMask (eth_sendTransaction) or a task to sign. uint256 as decimal text. */
export interface UnsignedTx {
  /** What the transaction does, e.g. "approve", "createInvoice", "pay". */
  action: string;
  to: string;
  data: string;
  value: string;
  chainId: number;
}

/** PaymentEscrow's interface, from the generated core/abis. */
const ESCROW = new Interface(PaymentEscrowAbi);

/** The name of one of PaymentEscrow's functions. */
export type EscrowFunction = Extract<(typeof PaymentEscrowAbi)[number], { type: "function" }>["name"];

/** Values to fill a function's parameters, keyed by the exact parameter names of core/abis/PaymentEscrow. */
export type NamedValues = Record<string, unknown>;

function fill(param: ParamType, values: NamedValues, fn: string): unknown {
  if (param.isTuple()) return param.components.map((component) => fill(component, values, fn));
  const name = param.name;
  if (!(name in values)) {
    throw new Error(`bug: ${fn} takes a parameter "${param.name}" that the route does not fill`);
  }
  return values[name];
}

/** The largest value a uint parameter named `name` of escrow function `fn` accepts (2^256-1 when absent). */
export function maxUint(fn: EscrowFunction, name: string): bigint {
  const find = (params: readonly ParamType[]): ParamType | undefined => {
    for (const p of params) {
      if (p.isTuple()) {
        const inner = find(p.components);
        if (inner) return inner;
      } else if (p.name === name) return p;
    }
    return undefined;
  };
  const param = find(ESCROW.getFunction(fn)!.inputs);
  const bits = param ? /^uint(\d+)$/.exec(param.type)?.[1] : undefined;
  return 2n ** BigInt(bits ?? 256) - 1n;
}

/**
 * Encodes a call of PaymentEscrow's `fn` on `to` with arguments taken by their exact ABI names from `values`.
 *
 * @throws Error (a bug in the route, never bad input) when a parameter is missing from `values`
 */
export function encodeCall(fn: EscrowFunction, to: string, chainId: number, values: NamedValues, value = 0n): UnsignedTx {
  const fragment = ESCROW.getFunction(fn)!;
  const args = fragment.inputs.map((input) => fill(input, values, fn));
  return { action: fn, to, data: ESCROW.encodeFunctionData(fragment, args), value: value.toString(), chainId };
}
