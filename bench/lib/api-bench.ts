/**
 * Pieces of `npm run bench:api` (bench/api.ts): serving a fetch handler on a free port, one autocannon run, and a
 * SIWE sign-in against a served API.
 */
import { serve } from "@hono/node-server";
import autocannon from "autocannon";
import type { AddressInfo } from "node:net";
import type { Signer } from "ethers";
import { SiweMessage } from "siwe";

/** One route's figures. */
export interface RouteResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/** One route's figures in one round, with the answers that were not 2xx. */
export type RoundResult = RouteResult & { non2xx: number };

/** Loads `url` with autocannon for `seconds` over `connections` connections (in a worker thread, leaving the server the main one). */
export function loadRoute(url: string, headers: Record<string, string>, seconds: number, connections: number): Promise<RoundResult> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: seconds, headers, workers: 1 } as autocannon.Options, (err, result) => {
      if (err) return reject(err);
      resolve({ rps: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx });
    });
  });
}

/** Serves `fetch` on a free port of 127.0.0.1. */
export function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

/** Signs `account` in to the API at `apiUrl` (a real SIWE signature); returns the Authorization header. */
export async function signIn(apiUrl: string, origin: string, chainId: number, account: Signer): Promise<Record<string, string>> {
  const issued = await fetch(`${apiUrl}/auth/nonce`);
  const { nonce } = (await issued.json()) as { nonce: string };
  // The nonce is bound to the client that asked for it by a cookie, sent back with the signature.
  const nonceCookie = issued.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const message = new SiweMessage({
    domain: new URL(origin).host,
    address: await account.getAddress(),
    uri: origin,
    version: "1",
    chainId,
    nonce,
    issuedAt: new Date().toISOString(),
  }).prepareMessage();
  const response = await fetch(`${apiUrl}/auth/verify`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: nonceCookie },
    body: JSON.stringify({ message, signature: await account.signMessage(message) }),
  });
  if (response.status !== 200) throw new Error(`sign-in: ${response.status} ${await response.text()}`);
  return { Authorization: `Bearer ${((await response.json()) as { token: string }).token}` };
}
