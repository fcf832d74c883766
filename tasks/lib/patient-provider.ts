/**
 * The tasks' JSON-RPC transport to an http(s) node, put under every Hardhat network with a URL by
 * {@link patientProvider} (registered with extendProvider in tasks/index.ts), so that every node read of every task
 * — balances, allowances, invoice reads, gas estimates, nonces, receipts — waits out a misbehaving node the one way
 * of ./node-retry. It replaces Hardhat's own HTTP provider, whose silent 429 retry would be a second behaviour.
 *
 * A transaction is never sent twice: a failed eth_sendRawTransaction is resolved by looking its hash up before the
 * same signed bytes are sent again; a failed eth_sendTransaction (a node's unlocked account) is sent with a fixed
 * nonce and resolved by the account's nonce and the blocks since the first attempt.
 */
import { EventEmitter } from "node:events";
import { keccak256 } from "ethers";
import type { EIP1193Provider, HardhatConfig, RequestArguments } from "hardhat/types";
import { ProviderError } from "hardhat/internal/core/providers/errors";
import { isLocalChain } from "../../core/chains";
import { resolveRpcSettings, rpcSettingsOf } from "../../core/networks";
import { rpcHost } from "../../core/rpc";
import { CliError } from "./cli";
import { NodeGaveUpError, type RetryPolicy, withNodeRetry } from "./node-retry";

/** A node's answer with a status other than 2xx; carries what core/rpc's classifier reads. */
class NodeHttpError extends Error {
  /**
   * @param status the HTTP status
   * @param retryAfter the Retry-After header, when given
   * @param body the start of the body
   */
  constructor(
    readonly status: number,
    retryAfter: string | null,
    body: string,
  ) {
    super(`the node answered HTTP ${status}: ${body.slice(0, 120)}`);
    this.response = { statusCode: status, headers: retryAfter === null ? {} : { "retry-after": retryAfter } };
  }
  readonly response: { statusCode: number; headers: Record<string, string> };
}

/** eth_sendTransaction's parameter, as far as resolving a failed send needs it. */
interface UnsignedTransaction {
  from: string;
  nonce?: string;
  [field: string]: unknown;
}

/** A transaction in a block fetched with full transactions. */
interface BlockTransaction {
  hash: string;
  from: string;
  nonce: string;
}

/** Whether `error` (or its cause) is a refused connection: nothing listens at the address. */
function refused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return (error as { code?: unknown } | null)?.code === "ECONNREFUSED" || cause?.code === "ECONNREFUSED";
}

/** Errors a node gives when the same transaction (or its nonce) reached it before. */
const ALREADY_SENT = /already known|known transaction|already imported|nonce too low|nonce has already been used/i;

/** An EIP-1193 provider over HTTP that retries transient failures and never sends a transaction twice. */
export class PatientHttpProvider extends EventEmitter implements EIP1193Provider {
  private nextId = 1;
  private gaveUp: NodeGaveUpError | undefined;
  private readonly endpoint: string;
  private readonly headers: Record<string, string> = { "content-type": "application/json" };

  /**
   * @param url the node's URL (credentials in it become a Basic Authorization header)
   * @param policy how long to retry, and the network's name
   * @param timeoutMs one HTTP request's timeout
   */
  constructor(
    url: string,
    private readonly policy: RetryPolicy,
    private readonly timeoutMs: number,
  ) {
    super();
    const parsed = new URL(url);
    if (parsed.username !== "") {
      const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
      this.headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
      parsed.username = parsed.password = "";
    }
    this.endpoint = parsed.toString();
  }

  /** Sends one JSON-RPC request, retrying transient failures; transactions go through their resolving paths. */
  async request({ method, params }: RequestArguments): Promise<unknown> {
    // Once the node has used up the patience, every later call fails at once: Hardhat's chain-id check, for one,
    // asks net_version after eth_chainId failed, which would wait as long again.
    if (this.gaveUp) throw this.gaveUp;
    const list = (params ?? []) as unknown[];
    try {
      if (method === "eth_sendRawTransaction") return await this.sendRaw(list[0] as string);
      if (method === "eth_sendTransaction") return await this.sendUnsigned(list[0] as UnsignedTransaction);
      return await withNodeRetry(this.policy, () => this.call(method, list));
    } catch (error) {
      if (error instanceof NodeGaveUpError) this.gaveUp = error;
      throw error;
    }
  }

  /** One HTTP round trip: the result, a ProviderError for a JSON-RPC error, or a transport error core/rpc classifies. */
  private async call(method: string, params: unknown[]): Promise<unknown> {
    // A timer of our own, not AbortSignal.timeout: that one is unref'd, and a connection the node resets as it opens
    // can leave fetch pending with nothing else keeping the process alive (it would exit 0, silently).
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`the node did not answer ${method} in time (timeout)`)), this.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        headers: this.headers,
        body: JSON.stringify({ jsonrpc: "2.0", id: this.nextId++, method, params }),
        signal: controller.signal,
      });
      text = await response.text();
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 429 || response.status >= 500)
      throw new NodeHttpError(response.status, response.headers.get("retry-after"), text);
    let body: { result?: unknown; error?: { code: number; message: string; data?: unknown } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      if (!response.ok) throw new NodeHttpError(response.status, null, text);
      // A cut answer: the classifier counts "bad response" as the connection failing.
      throw new Error(`bad response from the node to ${method}: ${text.slice(0, 80)}`);
    }
    if (body.error) {
      const error = new ProviderError(body.error.message, body.error.code);
      error.data = body.error.data;
      throw error;
    }
    return body.result;
  }

  /** Sends signed bytes; a retry first looks their hash up, so the same transaction is never sent twice. */
  private async sendRaw(raw: string): Promise<unknown> {
    const hash = keccak256(raw);
    const known = async () => (await this.call("eth_getTransactionByHash", [hash])) !== null;
    return withNodeRetry(this.policy, async (attempt) => {
      if (attempt > 1 && (await known())) return hash;
      try {
        return await this.call("eth_sendRawTransaction", [raw]);
      } catch (error) {
        if (attempt > 1 && error instanceof ProviderError && ALREADY_SENT.test(error.message) && (await known())) return hash;
        throw error;
      }
    });
  }

  /**
   * Sends a transaction the node signs, with its nonce fixed first; a retry first asks whether the account's nonce
   * moved past it and, when it did, finds the transaction in the blocks since the first attempt instead of sending.
   */
  private async sendUnsigned(tx: UnsignedTransaction): Promise<unknown> {
    const read = (method: string, params: unknown[]) => withNodeRetry(this.policy, () => this.call(method, params));
    const nonce = tx.nonce ?? ((await read("eth_getTransactionCount", [tx.from, "pending"])) as string);
    const since = BigInt((await read("eth_blockNumber", [])) as string);
    const sent = { ...tx, nonce };
    return withNodeRetry(this.policy, async (attempt) => {
      if (attempt > 1) {
        const found = await this.findSent(tx.from, BigInt(nonce), since);
        if (found) return found;
      }
      try {
        return await this.call("eth_sendTransaction", [sent]);
      } catch (error) {
        if (attempt === 1 || !(error instanceof ProviderError && ALREADY_SENT.test(error.message))) throw error;
        const found = await this.findSent(tx.from, BigInt(nonce), since);
        if (found) return found;
        throw error;
      }
    });
  }

  /**
   * The hash of `from`'s transaction with `nonce` when the node has it (mined since block `since`, or pending);
   * undefined when the account's nonce has not reached it (so sending is safe).
   */
  private async findSent(from: string, nonce: bigint, since: bigint): Promise<string | undefined> {
    const count = BigInt((await this.call("eth_getTransactionCount", [from, "pending"])) as string);
    if (count <= nonce) return undefined;
    const head = BigInt((await this.call("eth_blockNumber", [])) as string);
    const tags = ["pending"];
    for (let n = since + 1n; n <= head; n++) tags.push(`0x${n.toString(16)}`);
    for (const tag of tags) {
      const block = (await this.call("eth_getBlockByNumber", [tag, true])) as { transactions?: BlockTransaction[] } | null;
      const match = block?.transactions?.find((t) => t.from.toLowerCase() === from.toLowerCase() && BigInt(t.nonce) === nonce);
      if (match) return match.hash;
    }
    throw new CliError(
      `the node took a transaction from ${from} with nonce ${nonce} but it is not in the blocks since ${since}: ` +
        `look the account's transactions up before sending again`,
    );
  }
}

/**
 * Hardhat provider extender: a network with a URL gets a {@link PatientHttpProvider} with that network's settings
 * (SETTLE_RPC_PATIENCE_MS[_<NAME>], SETTLE_RPC_TIMEOUT_MS[_<NAME>]; core/networks); the in-process Hardhat network is
 * left as it is.
 */
export function patientProvider(provider: EIP1193Provider, config: HardhatConfig, network: string): EIP1193Provider {
  const networkConfig = config.networks[network];
  if (!networkConfig || !("url" in networkConfig)) return provider;
  const url = networkConfig.url;
  const chainId = networkConfig.chainId ?? 0;
  const settings = resolveRpcSettings({ name: network, rpcUrls: [url], rpc: rpcSettingsOf(process.env, network) }, chainId);
  // Nothing listening at a local node's address is a node not started, not one having a bad day: say so at once.
  const final = (error: unknown) =>
    isLocalChain(chainId) && refused(error)
      ? new CliError(`nothing answers at ${rpcHost(url)}: is the node of network ${network} running (\`npm start\`)?`)
      : undefined;
  return new PatientHttpProvider(url, { url, network, patienceMs: settings.patienceMs, final }, settings.timeoutMs);
}
