/** A block as far as the supervisor cares: number and hash. */
export interface BlockRef {
  number: number;
  hash: `0x${string}`;
}

/** A block with its timestamp (seconds). */
export interface TimedBlockRef extends BlockRef {
  timestamp: number;
}

/** No node answered (connection refused or reset, timeout, HTTP error, a JSON-RPC error): a reason to wait, never to rebuild. */
export class RpcUnavailableError extends Error {
  override name = "RpcUnavailableError";
}

/**
 * Minimal JSON-RPC client for the supervisor's chain checks (Ponder has its own transport). With several URLs it asks
 * them in order and takes the first answer, so one provider's outage does not stall the checks.
 */
export class RpcClient {
  private nextId = 1;

  /** @param urls the nodes' http(s) JSON-RPC URLs, in order of preference. @param timeoutMs how long one request may take. */
  constructor(
    readonly urls: readonly string[],
    private readonly timeoutMs = 5_000,
  ) {}

  /** Sends one JSON-RPC request; throws {@link RpcUnavailableError} when no node gives an answer. */
  async request<T>(method: string, params: unknown[] = []): Promise<T> {
    const errors: string[] = [];
    for (const url of this.urls) {
      try {
        return await this.requestOne<T>(url, method, params);
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
    throw new RpcUnavailableError(errors.join("; "));
  }

  private async requestOne<T>(url: string, method: string, params: unknown[]): Promise<T> {
    // A timer of our own, not AbortSignal.timeout's: that one does not keep the process alive, and a fetch whose
    // connection the server dropped holds nothing else that does (the supervisor would exit without a word).
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: this.nextId++, method, params }),
        signal: controller.signal,
      });
    } catch (error) {
      clearTimeout(timer);
      const cause = (error as Error & { cause?: Error }).cause;
      throw new Error(`${url} is unreachable (${cause?.message ?? (error as Error).message})`);
    }
    if (!response.ok) {
      clearTimeout(timer);
      throw new Error(`${url} answered HTTP ${response.status} to ${method}`);
    }
    let body: { result?: T; error?: { message: string } };
    try {
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw new Error(`${url} sent an unreadable answer to ${method} (${(error as Error).message})`);
    } finally {
      clearTimeout(timer);
    }
    if (body.error) throw new Error(`${url} refused ${method}: ${body.error.message}`);
    return body.result as T;
  }

  /** The node's chain id. */
  async chainId(): Promise<number> {
    return Number(await this.request<string>("eth_chainId"));
  }

  /** The block at `number`, or null when the chain is shorter than that. */
  async blockAt(number: number): Promise<TimedBlockRef | null> {
    return this.block(`0x${number.toString(16)}`);
  }

  /** The latest block. */
  async head(): Promise<TimedBlockRef> {
    const block = await this.block("latest");
    if (!block) throw new RpcUnavailableError(`${this.urls.join(", ")} returned no latest block`);
    return block;
  }

  private async block(tag: string): Promise<TimedBlockRef | null> {
    const block = await this.request<{ number: string; hash: `0x${string}`; timestamp: string } | null>("eth_getBlockByNumber", [
      tag,
      false,
    ]);
    return block ? { number: Number(block.number), hash: block.hash, timestamp: Number(block.timestamp) } : null;
  }
}
