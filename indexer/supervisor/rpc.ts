/** A block as far as the supervisor cares: number and hash. */
export interface BlockRef {
  number: number;
  hash: `0x${string}`;
}

/** A block with its timestamp (seconds). */
export interface TimedBlockRef extends BlockRef {
  timestamp: number;
}

/** The node did not answer (connection refused, timeout, HTTP error). */
export class RpcUnavailableError extends Error {
  override name = "RpcUnavailableError";
}

/** Minimal JSON-RPC client for the supervisor's chain checks (Ponder has its own transport). */
export class RpcClient {
  private nextId = 1;

  /** @param url the node's http(s) JSON-RPC URL. @param timeoutMs how long one request may take. */
  constructor(
    readonly url: string,
    private readonly timeoutMs = 5_000,
  ) {}

  /** Sends one JSON-RPC request; throws {@link RpcUnavailableError} when the node cannot be reached. */
  async request<T>(method: string, params: unknown[] = []): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: this.nextId++, method, params }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new RpcUnavailableError(`${this.url} is unreachable (${(error as Error).message})`);
    }
    if (!response.ok) throw new RpcUnavailableError(`${this.url} answered HTTP ${response.status} to ${method}`);
    const body = (await response.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method} failed: ${body.error.message}`);
    return body.result as T;
  }

  /** The node's chain id. */
  async chainId(): Promise<number> {
    return Number(await this.request<string>("eth_chainId"));
  }

  /** The block at `number`, or null when the chain is shorter than that. */
  async blockAt(number: number): Promise<TimedBlockRef | null> {
    const block = await this.request<{ number: string; hash: `0x${string}`; timestamp: string } | null>("eth_getBlockByNumber", [
      `0x${number.toString(16)}`,
      false,
    ]);
    return block ? { number: Number(block.number), hash: block.hash, timestamp: Number(block.timestamp) } : null;
  }

  /** The latest block number. */
  async blockNumber(): Promise<number> {
    return Number(await this.request<string>("eth_blockNumber"));
  }
}
