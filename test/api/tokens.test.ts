import { expect } from "chai";
import { JsonRpcProvider, Network, Wallet, getAddress } from "ethers";
import { LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2 } from "../../core/chains";
import { ZERO_ADDRESS } from "../../core/address";
import { jsonRpcChain } from "../../api/services/chain";
import { type TestApp, errorCode, makeApp } from "../helpers/api-app";
import { deployTestToken } from "../helpers/multichain";
import { type HardhatNode, deploySettle, startHardhatNode } from "../helpers/node";
import { useRealIndex } from "../helpers/real-index";
import { hardhatKey } from "../helpers/settle-stack";

interface TokenBody {
  chainId: number;
  chainName: string;
  address: string;
  symbol: string;
  decimals: number;
  name: string;
}

/**
 * GET /blockchain/tokens/{address}?chainId=: the shared real node (31337) and a second node (31338, its own deploy)
 * behind one API, each read through the API's own connection to it. A token deployed only on the second chain has no
 * code on the first: its metadata can only come from the second chain's node.
 */
describe("API: GET /blockchain/tokens/{address} on two chains", function () {
  this.timeout(300_000);
  useRealIndex();
  let t: TestApp;
  let second: HardhatNode;
  let secondChain: ReturnType<typeof jsonRpcChain>;
  /** A token (8 decimals, "SDOL") that exists on the second chain only. */
  let secondToken: string;

  before(async function () {
    second = await startHardhatNode({ chainId: LOCAL_CHAIN_ID_2 });
    const deployment = await deploySettle(second, undefined, "localhost2");
    const deployer = new Wallet(hardhatKey(7), new JsonRpcProvider(second.url, Network.from(LOCAL_CHAIN_ID_2), { staticNetwork: true }));
    secondToken = await deployTestToken(deployer, "Second Dollar", "SDOL", 8);
    deployer.provider!.destroy();
    secondChain = jsonRpcChain(second.url, LOCAL_CHAIN_ID_2);
    t = await makeApp({ env: { SETTLE_NETWORKS: "localhost,localhost2" }, moreNetworks: [deployment], moreChains: [secondChain.chain] });
    expect(await t.real.provider.getCode(secondToken), "the token must not exist on the first chain").to.equal("0x");
  });

  after(async function () {
    secondChain?.destroy();
    await t?.close();
    await second?.stop();
  });

  async function token(path: string): Promise<{ res: Response; body: TokenBody }> {
    const res = await t.app.request(`/blockchain/tokens/${path}`);
    expect(res.status, await res.clone().text()).to.equal(200);
    return { res, body: (await res.json()) as TokenBody };
  }

  it("reads a token of the second chain through that chain's node, cacheable for an hour", async function () {
    const { res, body } = await token(`${secondToken.toLowerCase()}?chainId=${LOCAL_CHAIN_ID_2}`);
    expect(body).to.deep.equal({
      chainId: LOCAL_CHAIN_ID_2,
      chainName: "Hardhat (local 2)",
      address: getAddress(secondToken),
      symbol: "SDOL",
      decimals: 8,
      name: "Second Dollar",
    });
    expect(res.headers.get("cache-control")).to.equal("public, max-age=3600");
  });

  it("reads the first network's token without ?chainId=, and says the second chain's token is none there", async function () {
    const setl = t.real.deploymentFile.contracts.SettleToken.address;
    const { body } = await token(setl);
    expect(body).to.deep.include({ chainId: LOCAL_CHAIN_ID, symbol: "SETL", decimals: 18 });
    const res = await t.app.request(`/blockchain/tokens/${secondToken}?chainId=${LOCAL_CHAIN_ID}`);
    expect(res.status).to.equal(422);
    const error = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).to.equal("not_a_token");
    expect(error.message).to.contain("has no contract code on chain 31337");
  });

  it("answers ETH for the zero address on any served chain", async function () {
    const { body } = await token(`${ZERO_ADDRESS}?chainId=${LOCAL_CHAIN_ID_2}`);
    expect(body).to.deep.equal({
      chainId: LOCAL_CHAIN_ID_2,
      chainName: "Hardhat (local 2)",
      address: ZERO_ADDRESS,
      symbol: "ETH",
      decimals: 18,
      name: "Ether",
    });
  });

  it("answers 422 not_a_token for a contract that is not a token", async function () {
    const escrow = t.deps.chains!.require(LOCAL_CHAIN_ID_2).current.contracts.PaymentEscrow.address;
    const res = await t.app.request(`/blockchain/tokens/${escrow}?chainId=${LOCAL_CHAIN_ID_2}`);
    expect(res.status).to.equal(422);
    const error = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).to.equal("not_a_token");
    expect(error.message).to.contain("does not answer decimals()");
  });

  it("answers 400 for a chain it does not serve and for a malformed address", async function () {
    const unknown = await t.app.request(`/blockchain/tokens/${secondToken}?chainId=999`);
    expect([unknown.status, await errorCode(unknown)]).to.deep.equal([400, "unknown_chain"]);
    const bad = await t.app.request(`/blockchain/tokens/0x1234?chainId=${LOCAL_CHAIN_ID_2}`);
    expect([bad.status, await errorCode(bad)]).to.deep.equal([400, "validation_failed"]);
  });

  it("answers 503 naming the node when the second chain's node is down (a cached answer still served)", async function () {
    await second.stop();
    const res = await t.app.request(`/blockchain/tokens/${getAddress(`0x${"12".repeat(20)}`)}?chainId=${LOCAL_CHAIN_ID_2}`);
    expect(res.status).to.equal(503);
    const error = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).to.match(/^node_/);
    expect(error.message).to.contain("127.0.0.1");
    const { body } = await token(`${secondToken}?chainId=${LOCAL_CHAIN_ID_2}`);
    expect(body.symbol).to.equal("SDOL");
  });
});
