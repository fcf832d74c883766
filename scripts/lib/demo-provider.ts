import { JsonRpcProvider, Network } from "ethers";

/** The demo's connection to a local node: no network detection, no cache, receipts polled every 100 ms. */
export function demoProvider(rpcUrl: string, chainId: number): JsonRpcProvider {
  return new JsonRpcProvider(rpcUrl, Network.from(chainId), { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
}
