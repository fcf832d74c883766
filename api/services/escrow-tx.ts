import { type FunctionFragment, Interface, type InterfaceAbi, type ParamType } from "ethers";
import { ApiError } from "../lib/errors";

/** An unsigned transaction for MetaMask (eth_sendTransaction) or a task to sign. uint256 as decimal text. */
export interface UnsignedTx {
  /** What the transaction does, e.g. "approve", "createInvoice", "pay". */
  action: string;
  to: string;
  data: string;
  value: string;
  chainId: number;
}

/** Values to fill a function's parameters, keyed by the exact parameter names of core/abis/PaymentEscrow. */
export type NamedValues = Record<string, unknown>;

function fill(param: ParamType, values: NamedValues, fn: string): unknown {
  if (param.isTuple()) return param.components.map((component) => fill(component, values, fn));
  const name = param.name;
  if (!(name in values)) {
    throw new ApiError(503, "escrow_abi_unsupported", `The deployed ${fn} takes a parameter "${param.name}" this API cannot fill`);
  }
  return values[name];
}

/** The largest value a uint parameter named `name` accepts in `fn` (2^256-1 when absent). */
export function maxUint(abi: InterfaceAbi, fn: string, name: string): bigint {
  const fragment = new Interface(abi).getFunction(fn);
  const find = (params: readonly ParamType[]): ParamType | undefined => {
    for (const p of params) {
      if (p.isTuple()) {
        const inner = find(p.components);
        if (inner) return inner;
      } else if (p.name === name) return p;
    }
    return undefined;
  };
  const param = fragment ? find(fragment.inputs) : undefined;
  const bits = param ? /^uint(\d+)$/.exec(param.type)?.[1] : undefined;
  return 2n ** BigInt(bits ?? 256) - 1n;
}

/**
 * Encodes a call of `fn` on `to` with arguments taken by name from `values`.
 *
 * @throws ApiError 503 escrow_abi_unsupported when the ABI lacks `fn` or a parameter cannot be filled
 */
export function encodeCall(abi: InterfaceAbi, fn: string, to: string, chainId: number, values: NamedValues, value = 0n): UnsignedTx {
  const iface = new Interface(abi);
  let fragment: FunctionFragment | null;
  try {
    fragment = iface.getFunction(fn);
  } catch {
    fragment = null;
  }
  if (!fragment) throw new ApiError(503, "escrow_abi_unsupported", `The deployed contract has no single ${fn} function`);
  const args = fragment.inputs.map((input) => fill(input, values, fn));
  return { action: fn, to, data: iface.encodeFunctionData(fragment, args), value: value.toString(), chainId };
}
