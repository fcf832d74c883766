import { expect } from "chai";
import { Wallet } from "ethers";
import { LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2 } from "../../core/chains";
import { type TestApp, errorCode, getNonce, jsonRequest, makeApp, signIn, siweMessage } from "../helpers/api-app";
import { realIndex, useRealIndex } from "../helpers/real-index";

/** An API serving two networks: the real local deployment (chain 31337) and the same contracts recorded as chain 31338. */
describe("API serving several chains", function () {
  useRealIndex();
  let t: TestApp;

  beforeEach(async function () {
    const real = await realIndex();
    t = await makeApp({
      env: { SETTLE_NETWORKS: "localhost,localhost2" },
      moreNetworks: [{ ...real.deploymentFile, chainId: LOCAL_CHAIN_ID_2, network: "localhost2" }],
    });
  });
  afterEach(async function () {
    await t.close();
  });

  describe("signing in", function () {
    it("offers every served chain id with the nonce", async function () {
      const body = (await (await t.app.request("/auth/nonce")).json()) as { chainId: number; chainIds: number[] };
      expect(body.chainId).to.equal(LOCAL_CHAIN_ID);
      expect(body.chainIds).to.deep.equal([LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2]);
    });

    it("signs in the same account from a message of the second chain", async function () {
      const wallet = Wallet.createRandom();
      const onSecond = await signIn(t, wallet, LOCAL_CHAIN_ID_2);
      const me = await t.app.request("/auth/me", { headers: onSecond.auth });
      expect(me.status).to.equal(200);
      expect(((await me.json()) as { address: string }).address).to.equal(wallet.address);
      const profile = await t.app.request("/users/me", { headers: onSecond.auth });
      expect(profile.status).to.equal(200);

      const onFirst = await signIn(t, wallet, LOCAL_CHAIN_ID);
      const again = (await (await t.app.request("/auth/me", { headers: onFirst.auth })).json()) as { address: string };
      expect(again.address).to.equal(onSecond.address);
      const users = await t.db.selectFrom("users").select("address").where("address", "=", wallet.address).execute();
      expect(users).to.have.length(1);
    });

    it("refuses a message for a chain it does not serve, naming the served ones", async function () {
      const wallet = Wallet.createRandom();
      const { nonce, cookie } = await getNonce(t);
      const message = siweMessage({ address: wallet.address, nonce, chainId: 8453, issuedAt: new Date(t.clock.now).toISOString() });
      const res = await t.app.request(
        "/auth/verify",
        jsonRequest("POST", { message, signature: await wallet.signMessage(message) }, { Cookie: cookie }),
      );
      expect(res.status).to.equal(401);
      const body = (await res.clone().json()) as { error: { message: string } };
      expect(await errorCode(res)).to.equal("siwe_chain_mismatch");
      expect(body.error.message).to.include("31337, 31338");
    });
  });

  describe("GET /blockchain/contracts", function () {
    it("lists every network's deployment and keeps the first one's at the top level", async function () {
      const res = await t.app.request("/blockchain/contracts");
      expect(res.status).to.equal(200);
      const body = (await res.json()) as {
        chainId: number;
        chainName: string;
        contracts: Record<string, { address: string }>;
        networks: { chainId: number; chainName: string; network: string; contracts: Record<string, { address: string }> }[];
      };
      expect(body.chainId).to.equal(LOCAL_CHAIN_ID);
      expect(body.chainName).to.equal("Hardhat (local)");
      expect(body.contracts.PaymentEscrow!.address).to.equal(t.real.deploymentFile.contracts.PaymentEscrow.address);
      expect(body.networks.map((n) => [n.chainId, n.chainName, n.network])).to.deep.equal([
        [LOCAL_CHAIN_ID, "Hardhat (local)", "localhost"],
        [LOCAL_CHAIN_ID_2, "Hardhat (local 2)", "localhost2"],
      ]);
    });
  });

  describe("?chainId=", function () {
    it("reads the chain it names", async function () {
      const res = await t.app.request(`/blockchain/status?chainId=${LOCAL_CHAIN_ID_2}`);
      expect(res.status).to.equal(200);
      expect(((await res.json()) as { chainId: number }).chainId).to.equal(LOCAL_CHAIN_ID_2);
    });

    it("answers 400 unknown_chain naming the served chain ids for another chain", async function () {
      for (const path of ["/blockchain/status?chainId=1", `/blockchain/staking/${Wallet.createRandom().address}?chainId=1`]) {
        const res = await t.app.request(path);
        expect(res.status, path).to.equal(400);
        const body = (await res.clone().json()) as { error: { message: string; details: { chainIds: number[] } } };
        expect(await errorCode(res)).to.equal("unknown_chain");
        expect(body.error.message).to.include("31337, 31338");
        expect(body.error.details.chainIds).to.deep.equal([LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2]);
      }
    });

    it("refuses a chain id that is not a number", async function () {
      const res = await t.app.request("/blockchain/status?chainId=base");
      expect(res.status).to.equal(400);
    });
  });
});
