/**
 * Adaptive eth_getLogs ranges, per network. A provider refuses a range too wide or a result too large in its own words
 * (Alchemy and Infura suggest a range, QuickNode and others state their limit, the rest only complain); this wrapper
 * around a JSON-RPC request function (the indexer puts it around its viem transport) splits such a request itself: into the suggested or stated range when there is one,
 * otherwise into halves, and remembers the range that works for the next requests. After a run of successes it grows
 * the range back by a quarter, never beyond a limit a provider stated.
 *
 * Ponder 0.6 retries some of these errors itself (it recognises Alchemy's, Infura's and QuickNode's wording), but a
 * refusal in a wording it does not know ("block range is too wide" with code -32000, for example) is retried as it
 * was, then ends the backfill with a fatal error: this wrapper makes every wording one behaviour.
 */

/** A JSON-RPC request function (viem's transport `request` has this shape). */
export type RpcRequest = (args: { method: string; params?: unknown }) => Promise<unknown>;

/** Successes in a row after which the range grows back by a quarter. */
const GROW_AFTER = 20;

/** The eth_getLogs filter as sent over JSON-RPC. */
interface LogFilter {
  fromBlock?: string;
  toBlock?: string;
  blockHash?: string;
  [key: string]: unknown;
}

/** Words of a refused range or result size, whoever the provider. */
const RANGE_REFUSAL =
  /block range|range (is )?too (wide|large)|limited to|more than \d+ results|exceeds? (max|the limit)|max results|response size|too many (results|logs)|range should work|try with this block range|logs matched by query exceeds/i;

/** A range a provider suggests (`[0xfrom, 0xto]`) or states ("limited to a 200 range", "limited to 200 blocks"). */
function suggestedRange(text: string, data: unknown): { blocks: number; stated: boolean } | undefined {
  const pair = /\[0x([0-9a-f]+),\s*0x([0-9a-f]+)\]/i.exec(text);
  if (pair) return { blocks: parseInt(pair[2]!, 16) - parseInt(pair[1]!, 16) + 1, stated: false };
  const { from, to } = (data ?? {}) as { from?: string; to?: string };
  if (typeof from === "string" && typeof to === "string") return { blocks: Number(to) - Number(from) + 1, stated: false };
  const limit = /limited to (?:a )?([\d,.]+)(?: block)?|at most ([\d,.]+) blocks|max(?:imum)? block range:? ([\d,.]+)/i.exec(text);
  const digits = limit?.slice(1).find((group) => group !== undefined);
  if (digits) return { blocks: Number(digits.replace(/[,.]/g, "")), stated: true };
  return undefined;
}

/** Everything an error says, its causes' too (viem nests the provider's message in `details` and `cause`). */
function errorText(error: unknown): { text: string; data: unknown } {
  let text = "";
  let data: unknown;
  for (let e = error as { message?: string; details?: string; data?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    text += ` ${e.message ?? ""} ${e.details ?? ""}`;
    data ??= e.data;
  }
  return { text, data };
}

/** The provider's own words for the log: viem keeps them in `details`, other clients in `message`. */
function providerMessage(error: unknown): string {
  const e = error as { details?: string; message?: string; cause?: unknown };
  const text = e.details || (e.cause ? providerMessage(e.cause) : "") || e.message || String(error);
  return text.split("\n")[0]!.slice(0, 160);
}

/** What the wrapper has learnt about a network's provider. */
interface LogsRangeState {
  /** The largest range (blocks) to ask for; undefined until a refusal. */
  maxRange: number | undefined;
  /** A limit the provider stated: the range never grows beyond it. */
  ceiling: number | undefined;
  /** Successes since the last change. */
  successes: number;
}

/**
 * Wraps `request` so that its eth_getLogs calls adapt their block range to the provider's refusals; other calls pass
 * through. `onChange` hears of every change of the range (for the log). `maxRange` (blocks; 0: none) is the widest
 * range ever asked for, as a network's settings say (core/networks' maxLogsBlockRange). One wrapper per network: it
 * keeps what it learnt.
 */
export function adaptiveLogsRange(
  request: RpcRequest,
  onChange: (range: number, why: string) => void = () => {},
  maxRange = 0,
): RpcRequest {
  const configured = maxRange > 0 ? maxRange : undefined;
  const state: LogsRangeState = { maxRange: configured, ceiling: configured, successes: 0 };

  const succeeded = () => {
    if (state.maxRange === undefined || ++state.successes < GROW_AFTER) return;
    const grown = Math.min(Math.ceil(state.maxRange * 1.25), state.ceiling ?? Number.POSITIVE_INFINITY);
    state.successes = 0;
    if (grown !== state.maxRange) onChange((state.maxRange = grown), `${GROW_AFTER} successes in a row`);
  };

  const getRange = async (filter: LogFilter, from: number, to: number): Promise<unknown[]> => {
    const chunks: [number, number][] = [];
    const size = state.maxRange ?? to - from + 1;
    for (let start = from; start <= to; start += size) chunks.push([start, Math.min(to, start + size - 1)]);
    const logs: unknown[] = [];
    for (const [start, end] of chunks) {
      try {
        const part = (await request({
          method: "eth_getLogs",
          params: [{ ...filter, fromBlock: hex(start), toBlock: hex(end) }],
        })) as unknown[];
        succeeded();
        logs.push(...part);
      } catch (error) {
        const { text, data } = errorText(error);
        if (!RANGE_REFUSAL.test(text) || end === start) throw error;
        const asked = end - start + 1;
        const suggestion = suggestedRange(text, data);
        const next = suggestion && suggestion.blocks >= 1 && suggestion.blocks < asked ? suggestion.blocks : Math.ceil(asked / 2);
        if (suggestion?.stated) state.ceiling = suggestion.blocks;
        state.maxRange = Math.min(next, state.maxRange ?? next);
        state.successes = 0;
        onChange(state.maxRange, `the provider refused ${asked} blocks: ${providerMessage(error)}`);
        logs.push(...(await getRange(filter, start, end)));
      }
    }
    return logs;
  };

  return async (args) => {
    const filter = (args.params as LogFilter[] | undefined)?.[0];
    if (args.method !== "eth_getLogs" || !filter || filter.blockHash || !isHex(filter.fromBlock) || !isHex(filter.toBlock)) {
      return request(args);
    }
    return getRange(filter, Number(filter.fromBlock), Number(filter.toBlock));
  };
}

const hex = (n: number) => `0x${n.toString(16)}`;
const isHex = (value: unknown): value is string => typeof value === "string" && /^0x[0-9a-f]+$/i.test(value);
