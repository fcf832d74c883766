import { expect } from "chai";
import { rpcProblem } from "../../core/rpc";
import { CliError } from "../../tasks/lib/cli";
import { NodeGaveUpError, rethrowNodeGaveUp, retryDelayMs, waitingLine, withNodeRetry } from "../../tasks/lib/node-retry";

const URL = "http://127.0.0.1:8545/secret-key";

/** A failed fetch as Node's undici throws it when the node resets the connection. */
function resetError(): Error {
  return new TypeError("fetch failed", { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) });
}

describe("Tasks: the retry rule for a misbehaving node (tasks/lib/node-retry)", function () {
  it("waits as Retry-After says, else 0.5 s doubling up to 8 s", function () {
    const limited = rpcProblem("node_rate_limited", URL, 3);
    expect(retryDelayMs(limited, 2)).to.equal(3_000);
    expect(retryDelayMs(limited, 7)).to.equal(3_000);
    const dropped = rpcProblem("node_unreachable", URL);
    expect([2, 3, 4, 5, 6, 7, 12].map((attempt) => retryDelayMs(dropped, attempt))).to.deep.equal([
      500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000,
    ]);
  });

  it("words one waiting line with the host only, never the URL's path", function () {
    expect(waitingLine(rpcProblem("node_rate_limited", URL, 1), 1_000, 2)).to.equal(
      "node at 127.0.0.1:8545 is rate-limiting requests (HTTP 429): retrying in 1.0 s (attempt 2)",
    );
  });

  it("retries a transient failure until it succeeds, one line per wait", async function () {
    const lines: string[] = [];
    let calls = 0;
    const result = await withNodeRetry({ url: URL, network: "localhost", patienceMs: 10_000, say: (l) => lines.push(l) }, async (n) => {
      calls++;
      if (n < 3) throw resetError();
      return "answer";
    });
    expect(result).to.equal("answer");
    expect(calls).to.equal(3);
    expect(lines).to.deep.equal([
      "node at 127.0.0.1:8545 cannot be reached (connection refused or dropped): retrying in 0.5 s (attempt 2)",
      "node at 127.0.0.1:8545 cannot be reached (connection refused or dropped): retrying in 1.0 s (attempt 3)",
    ]);
  });

  it("gives up with one line naming the host, the problem and the fix once the next wait would pass the patience", async function () {
    const lines: string[] = [];
    const failure = await withNodeRetry({ url: URL, network: "base-sepolia", patienceMs: 1_200, say: (l) => lines.push(l) }, () =>
      Promise.reject(resetError()),
    ).catch((error: unknown) => error);
    expect(failure).to.be.instanceOf(NodeGaveUpError).and.to.be.instanceOf(CliError);
    expect((failure as Error).message).to.match(
      /^node at 127\.0\.0\.1:8545 cannot be reached \(connection refused or dropped\): gave up after 2 attempts in \d+\.\d s \(check the node or RPC_URL_BASE_SEPOLIA; SETTLE_RPC_PATIENCE_MS_BASE_SEPOLIA waits longer\)$/,
    );
    expect(lines).to.have.length(1);
  });

  it("throws a revert or a bad argument at once, without waiting", async function () {
    const revert = Object.assign(new Error("execution reverted: EscrowInvoiceNotFound"), { code: 3, data: "0x1234" });
    let calls = 0;
    const failure = await withNodeRetry({ url: URL, network: "localhost", patienceMs: 10_000, say: () => {} }, () => {
      calls++;
      return Promise.reject(revert);
    }).catch((error: unknown) => error);
    expect(failure).to.equal(revert);
    expect(calls).to.equal(1);
  });

  it("finds a give-up wrapped by ethers so that a revert handler does not word it as a revert", function () {
    const gaveUp = new NodeGaveUpError(rpcProblem("node_unavailable", URL), { url: URL, network: "localhost", patienceMs: 1 }, 4, 1_000);
    const wrapped = Object.assign(new Error("could not coalesce error"), { error: gaveUp });
    expect(() => rethrowNodeGaveUp(wrapped)).to.throw(gaveUp.message);
    expect(() => rethrowNodeGaveUp(new Error("execution reverted"))).not.to.throw();
  });
});
