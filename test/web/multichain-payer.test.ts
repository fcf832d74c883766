import { expect } from "chai";
import { Contract, parseEther } from "ethers";
import type { Request as PageRequest } from "playwright-core";
import { LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2 } from "../../core/chains";
import { SettleTokenAbi } from "../../core/abis/SettleToken";
import { StakingRewardsAbi } from "../../core/abis/StakingRewards";
import { Backend, BrowserSession, journeySteps } from "../helpers/browser-stack";
import { chainStatus, createOnChain } from "../helpers/multichain";

/** Reads a number shown by the page ("10,000.5" → 10000.5). */
async function shown(session: BrowserSession, selector: string): Promise<number> {
  return Number(((await session.page.textContent(selector)) ?? "").replace(/[,\s]/g, ""));
}

describe("web: a payer's basket, history and staking on two chains (31337 and 31338)", function () {
  this.timeout(300_000);
  let backend: Backend;
  let payer: BrowserSession;
  let staker: BrowserSession;

  before(async function () {
    backend = await Backend.start({ chains: 2 });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== "failed") return;
    const label = `failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, "-")}`;
    for (const session of [payer, staker]) await session?.screenshot(label).catch(() => undefined);
  });

  after(async function () {
    await payer?.stop();
    await staker?.stop();
    await backend?.stop();
  });

  /** The on-chain staked balance of `account` on chain `chainId`. */
  async function stakedOn(chainId: number, account: string): Promise<bigint> {
    const reader = backend.signer(0, chainId);
    try {
      const staking = new Contract(backend.chain(chainId).deployment.contracts.StakingRewards!.address, StakingRewardsAbi, reader);
      return (await staking.getFunction("balanceOf")(account)) as bigint;
    } finally {
      reader.provider!.destroy();
    }
  }

  describe("a basket of invoices on both chains", function () {
    journeySteps();
    // Account 6 bills account 3 (funded with SETL on both chains by the deploy): an ETH invoice on the first chain; an ETH and a SETL invoice on the second.
    let first: string;
    let secondEth: string;
    let secondSetl: string;
    const batches: PageRequest[] = [];

    before(async function () {
      const bill = { merchant: 6, payer: 3 };
      first = await createOnChain(backend, LOCAL_CHAIN_ID, { ...bill, amount: parseEther("0.2"), reference: "basket-first" });
      secondEth = await createOnChain(backend, LOCAL_CHAIN_ID_2, { ...bill, amount: parseEther("0.3"), reference: "basket-second" });
      secondSetl = await createOnChain(backend, LOCAL_CHAIN_ID_2, {
        ...bill,
        amount: parseEther("50"),
        token: backend.chain(LOCAL_CHAIN_ID_2).deployment.contracts.SettleToken!.address,
        reference: "basket-second-setl",
      });
      // Invoice #1 exists on both chains: the basket must keep them apart.
      expect(secondEth).to.equal(first);
      await backend.waitForIndex();
      payer = await BrowserSession.start(backend, { name: "multichain-basket", accountIndex: 3 });
      payer.page.on("request", (request) => {
        if (new URL(request.url()).pathname === "/invoices/batch-transactions") batches.push(request);
      });
    });

    it("offers a checkbox per invoice and chain, named after its chain", async function () {
      await payer.signIn("#/invoices?role=payer&tab=all");
      for (const [chainId, id] of [
        [LOCAL_CHAIN_ID, first],
        [LOCAL_CHAIN_ID_2, secondEth],
        [LOCAL_CHAIN_ID_2, secondSetl],
      ] as const)
        await payer.page.locator(`#select-${chainId}-${id}`).waitFor();
      expect(await payer.page.getAttribute(`#select-${LOCAL_CHAIN_ID_2}-${secondEth}`, "aria-label")).to.equal(
        `Select invoice #${secondEth} on Hardhat (local 2) to pay`,
      );
    });

    it("pays the basket chain by chain: one batch per chain, each sent on its own chain after a switch", async function () {
      for (const box of [`${LOCAL_CHAIN_ID}-${first}`, `${LOCAL_CHAIN_ID_2}-${secondEth}`, `${LOCAL_CHAIN_ID_2}-${secondSetl}`])
        await payer.page.check(`#select-${box}`);
      await payer.waitForText("#pay-selected", "Pay selected (3)");
      const sentBefore = payer.wallet.requestsOf("eth_sendTransaction").length;
      await payer.page.click("#pay-selected");
      await payer.waitForText("#pay-many-status", /Paid 3 invoices/, 180_000);

      // One request per chain, each naming its chain: the API never sees a mixed basket.
      const asked = batches.map((request) => ({
        chainId: new URL(request.url()).searchParams.get("chainId"),
        ids: (request.postDataJSON() as { invoiceIds: string[] }).invoiceIds,
      }));
      expect(asked).to.deep.equal([
        { chainId: String(LOCAL_CHAIN_ID), ids: [first] },
        { chainId: String(LOCAL_CHAIN_ID_2), ids: [secondEth, secondSetl] },
      ]);
      for (const request of batches) expect((await request.response())?.status()).to.equal(200);

      // The wallet's chain's batch first, then the switch, the approval and the payMany on the second chain.
      const firstChain = backend.chain(LOCAL_CHAIN_ID).deployment.contracts;
      const second = backend.chain(LOCAL_CHAIN_ID_2).deployment.contracts;
      const sent = payer.wallet
        .requestsOf("eth_sendTransaction")
        .slice(sentBefore)
        .filter((r) => !r.error);
      expect(sent.map((r) => [r.chainId, (r.params[0] as { to: string }).to.toLowerCase()])).to.deep.equal([
        [LOCAL_CHAIN_ID, firstChain.PaymentEscrow!.address.toLowerCase()],
        [LOCAL_CHAIN_ID_2, second.SettleToken!.address.toLowerCase()],
        [LOCAL_CHAIN_ID_2, second.PaymentEscrow!.address.toLowerCase()],
      ]);
      expect(payer.wallet.currentChainId).to.equal(LOCAL_CHAIN_ID_2);

      // Every step says which chain it is on.
      expect(await payer.page.locator("#pay-many-tx .pay-many-chain").allTextContents()).to.deep.equal([
        "Batch 1 of 2: Hardhat (local), 1 invoice(s). The wallet switches to this network first.",
        "Batch 2 of 2: Hardhat (local 2), 2 invoice(s). The wallet switches to this network first.",
      ]);
      const titles = await payer.page.locator("#pay-many-tx .tx-card .tx-title").allTextContents();
      expect(titles).to.have.length(3);
      expect(titles[0]).to.equal("Pay 1 invoice: 0.2 ETH on Hardhat (local) (step 1 of 3)");
      expect(titles[1]).to.equal("Approve 50 SETL on Hardhat (local 2) (step 2 of 3)");
      expect(titles[2]).to.match(/^Pay 2 invoices: .+ on Hardhat \(local 2\) \(step 3 of 3\)$/);
      expect(titles[2]).to.contain("50 SETL").and.to.contain("0.3 ETH");
      expect(payer.problems).to.deep.equal([]);
      await payer.screenshot("basket-paid");
    });

    it("leaves every invoice paid on its own chain, on chain and in the index", async function () {
      expect(await chainStatus(backend, LOCAL_CHAIN_ID, first)).to.equal("paid");
      expect(await chainStatus(backend, LOCAL_CHAIN_ID_2, secondEth)).to.equal("paid");
      expect(await chainStatus(backend, LOCAL_CHAIN_ID_2, secondSetl)).to.equal("paid");
      // The list reads the index again once the batches are paid.
      for (const [chainId, id] of [
        [LOCAL_CHAIN_ID, first],
        [LOCAL_CHAIN_ID_2, secondEth],
        [LOCAL_CHAIN_ID_2, secondSetl],
      ] as const) {
        await payer.waitForText(`tr[data-invoice="${id}"][data-chain="${chainId}"] .badge`, "Paid, in escrow", 60_000);
        expect(await payer.page.locator(`#select-${chainId}-${id}`).count()).to.equal(0);
      }
    });

    it("lists the history of both chains, and its network filter keeps only the chosen chain's rows", async function () {
      await payer.go("#/history");
      await payer.page.locator(`#history-list .chain-badge[data-chain="${LOCAL_CHAIN_ID}"]`).first().waitFor();
      await payer.page.locator(`#history-list .chain-badge[data-chain="${LOCAL_CHAIN_ID_2}"]`).first().waitFor();
      const filtered = payer.page.waitForRequest((r) => /\/transactions\?.*chainId=31338/.test(r.url()));
      await payer.page.selectOption("#filter-chain", String(LOCAL_CHAIN_ID_2));
      await payer.page.click('#history-filters button[type="submit"]');
      await filtered;
      await payer.page.locator(`#history-list .chain-badge[data-chain="${LOCAL_CHAIN_ID}"]`).first().waitFor({ state: "detached" });
      await payer.page.locator(`#history-list .chain-badge[data-chain="${LOCAL_CHAIN_ID_2}"]`).first().waitFor();
      expect(await payer.page.inputValue("#filter-chain")).to.equal(String(LOCAL_CHAIN_ID_2));
      expect(
        await payer.page.locator("#history-list .chain-badge").evaluateAll((badges) => badges.map((b) => b.getAttribute("data-chain"))),
      ).to.satisfy((chains: string[]) => chains.length >= 2 && chains.every((c) => c === String(LOCAL_CHAIN_ID_2)));
      await payer.screenshot("history-second-chain");
    });

    it("verifies a payment of the second chain on that chain, naming that chain's contracts", async function () {
      await payer.page.locator('#history-list tr[data-kind="invoice_paid"] a.mono').first().click();
      await payer.page.waitForURL(new RegExp(`#/tx/0x[0-9a-f]{64}\\?chainId=${LOCAL_CHAIN_ID_2}$`));
      await payer.page.locator("#tx-summary").waitFor();
      expect(await payer.page.textContent(".badges .chain-badge")).to.equal("Hardhat (local 2)");
      expect(await payer.page.textContent("#tx-summary")).to.contain("(Escrow)");
    });
  });

  describe("the staking view on a chosen chain", function () {
    journeySteps();

    before(async function () {
      // Account 4 (funded by the deploy) stakes 250 SETL straight on the second chain; nothing on the first.
      const holder = backend.signer(4, LOCAL_CHAIN_ID_2);
      try {
        const contracts = backend.chain(LOCAL_CHAIN_ID_2).deployment.contracts;
        const token = new Contract(contracts.SettleToken!.address, SettleTokenAbi, holder);
        const staking = new Contract(contracts.StakingRewards!.address, StakingRewardsAbi, holder);
        await (await token.getFunction("approve")(contracts.StakingRewards!.address, parseEther("250"))).wait();
        await (await staking.getFunction("stake")(parseEther("250"))).wait();
      } finally {
        holder.provider!.destroy();
      }
      staker = await BrowserSession.start(backend, { name: "multichain-staking", accountIndex: 4 });
    });

    it("shows the wallet's chain and offers the served networks", async function () {
      await staker.open("#/staking");
      await staker.page.click("#gate-connect");
      await staker.page.waitForSelector("#staking-staked");
      expect(await shown(staker, "#staking-staked")).to.equal(0);
      expect(await staker.page.inputValue("#staking-network")).to.equal(String(LOCAL_CHAIN_ID));
      expect(
        await staker.page
          .locator("#staking-network option")
          .evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value)),
      ).to.deep.equal([String(LOCAL_CHAIN_ID), String(LOCAL_CHAIN_ID_2)]);
      expect(await staker.page.textContent("#staking-network-hint")).to.contain("Your stake and rewards on Hardhat (local).");
    });

    it("shows the second chain's figures after choosing it, with the wallet switched there", async function () {
      await staker.page.selectOption("#staking-network", String(LOCAL_CHAIN_ID_2));
      await staker.page.waitForURL(new RegExp(`#/staking\\?chainId=${LOCAL_CHAIN_ID_2}$`));
      await staker.waitForText("#staking-staked", "250", 30_000);
      expect(staker.wallet.currentChainId).to.equal(LOCAL_CHAIN_ID_2);
      expect(await shown(staker, "#staking-wallet")).to.equal(9_750);
      expect(await staker.page.textContent("#staking-network-hint")).to.contain("Your stake and rewards on Hardhat (local 2).");
      expect(await staker.page.textContent("#account-bar .network-name")).to.equal("Hardhat (local 2)");
      await staker.screenshot("second-chain-position");
    });

    it("stakes on the chosen chain only", async function () {
      const sentBefore = staker.wallet.requestsOf("eth_sendTransaction").length;
      await staker.page.fill("#stake-amount", "100");
      await staker.page.click("#stake-submit");
      expect(await staker.txCard("#stake-tx", "indexed")).to.contain("Stake 100 SETL");
      const sent = staker.wallet.requestsOf("eth_sendTransaction").slice(sentBefore);
      expect(sent.map((r) => r.chainId)).to.deep.equal([LOCAL_CHAIN_ID_2]);
      await staker.waitForText("#staking-staked", "350");
      expect(await stakedOn(LOCAL_CHAIN_ID_2, staker.wallet.address)).to.equal(parseEther("350"));
      expect(await stakedOn(LOCAL_CHAIN_ID, staker.wallet.address)).to.equal(0n);
      expect(staker.problems).to.deep.equal([]);
      await staker.screenshot("second-chain-staked");
    });
  });
});
