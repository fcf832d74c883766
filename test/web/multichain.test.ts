import { expect } from "chai";
import { parseEther, parseUnits } from "ethers";
import { DEFAULT_RPC_URL_2, LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2 } from "../../core/chains";
import { Backend, BrowserSession, journeySteps } from "../helpers/browser-stack";
import { chainStatus, createOnChain, deployTestToken } from "../helpers/multichain";

/** Chain 31338 as a wallet names it. */
const SECOND = `0x${LOCAL_CHAIN_ID_2.toString(16)}`;

describe("web: two chains in one Settle (31337 and 31338)", function () {
  this.timeout(300_000);
  // Chains of their own: the shared backend of the other journeys runs one chain.
  let backend: Backend;
  let payer: BrowserSession;
  let merchant: BrowserSession;

  before(async function () {
    backend = await Backend.start({ chains: 2 });
  });

  after(async function () {
    await payer?.stop();
    await merchant?.stop();
    await backend?.stop();
  });

  describe("a payer pays an invoice of the second chain", function () {
    journeySteps();
    let id: string;

    before(async function () {
      // The same id on both chains: a link without its chain is ambiguous on this server.
      const first = await createOnChain(backend, LOCAL_CHAIN_ID, { amount: parseEther("0.25"), reference: "multichain-first" });
      id = await createOnChain(backend, LOCAL_CHAIN_ID_2, { amount: parseEther("0.5"), reference: "multichain-second" });
      expect(id).to.equal(first);
      await backend.waitForIndex();
      payer = await BrowserSession.start(backend, { name: "multichain-payer", accountIndex: 2 });
    });

    it("answers an old link whose id is on both chains with the candidates to choose from", async function () {
      await payer.signIn("#/invoices?role=payer&tab=all");
      await payer.go(`#/invoice/${id}`);
      const candidates = payer.page.locator("#chain-candidates a");
      await candidates.first().waitFor();
      expect(await candidates.allTextContents()).to.deep.equal([`Invoice ${id} on Hardhat (local)`, `Invoice ${id} on Hardhat (local 2)`]);
      await payer.screenshot("ambiguous-link");
    });

    it("switches the wallet to the invoice's chain (adding it first) when the payer picks it", async function () {
      payer.wallet.forgetChain(LOCAL_CHAIN_ID_2);
      await payer.page.locator("#chain-candidates a", { hasText: "Hardhat (local 2)" }).click();
      await payer.page.waitForURL(new RegExp(`#/invoice/${LOCAL_CHAIN_ID_2}/${id}$`));
      await payer.page.locator("#action-pay").waitFor({ timeout: 30_000 });
      expect(await payer.page.textContent("#main")).to.contain("0.5 ETH");
      expect(payer.wallet.currentChainId).to.equal(LOCAL_CHAIN_ID_2);
      const switched = payer.wallet.requestsOf("wallet_switchEthereumChain").at(-1)!;
      expect(switched.error?.code).to.equal(4902);
      const added = payer.wallet.requestsOf("wallet_addEthereumChain").at(-1)!;
      expect(added.params[0]).to.deep.include({ chainId: SECOND, chainName: "Hardhat (local 2)", rpcUrls: [DEFAULT_RPC_URL_2] });
      expect(await payer.page.textContent(".page-actions .chain-badge")).to.equal("Hardhat (local 2)");
      expect(await payer.page.textContent("#account-bar .network-name")).to.equal("Hardhat (local 2)");
      await payer.screenshot("second-chain-invoice");
    });

    it("pays it on chain 31338, and only there", async function () {
      await payer.page.click("#action-pay");
      await payer.page
        .locator('#invoice-tx .tx-card[data-phase="confirmed"], #invoice-tx .tx-card[data-phase="indexed"]', {
          has: payer.page.locator(".tx-title", { hasText: "Pay 0.5 ETH" }),
        })
        .waitFor({ timeout: 60_000 });
      // The screen reads the invoice again once the index has the payment (or once the page stops waiting for it).
      await payer.waitForText(".page-actions .badge", /^Paid/, 120_000);
      expect(await chainStatus(backend, LOCAL_CHAIN_ID_2, id)).to.equal("paid");
      expect(await chainStatus(backend, LOCAL_CHAIN_ID, id)).to.equal("open");
      const sent = payer.wallet.requestsOf("eth_sendTransaction");
      expect(sent.at(-1)!.error).to.equal(undefined);
      expect(payer.problems).to.deep.equal([]);
      await payer.screenshot("second-chain-paid");
    });
  });

  describe("a merchant creates an invoice on the second chain", function () {
    journeySteps();
    let id: string;

    before(async function () {
      merchant = await BrowserSession.start(backend, { name: "multichain-merchant", accountIndex: 1 });
    });

    it("offers the served networks, the wallet's first, and switches the wallet to the chosen one", async function () {
      await merchant.signIn("#/invoices/new");
      const network = merchant.page.locator("#invoice-network");
      expect(
        await network.locator("option").evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value)),
      ).to.deep.equal([String(LOCAL_CHAIN_ID), String(LOCAL_CHAIN_ID_2)]);
      expect(await network.inputValue()).to.equal(String(LOCAL_CHAIN_ID));
      await network.selectOption(String(LOCAL_CHAIN_ID_2));
      await merchant.page.waitForURL(new RegExp(`#/invoices/new\\?chainId=${LOCAL_CHAIN_ID_2}$`));
      await merchant.waitForText("#account-bar .network-name", "Hardhat (local 2)");
      await merchant.page.locator("#invoice-form").waitFor();
      expect(merchant.wallet.currentChainId).to.equal(LOCAL_CHAIN_ID_2);
      expect(await merchant.page.locator("#invoice-network").inputValue()).to.equal(String(LOCAL_CHAIN_ID_2));
    });

    it("sends the createInvoice transaction to chain 31338's escrow and opens the invoice there", async function () {
      await merchant.page.locator(".line-item").first().locator('input[name$="-description"]').fill("Hosting on the second chain");
      await merchant.page.locator(".line-item").first().locator('input[name$="-quantity"]').fill("1");
      await merchant.page.locator(".line-item").first().locator('input[name$="-price"]').fill("12");
      const created = merchant.page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname === "/invoices");
      await merchant.page.click("#create-invoice");
      expect(((await created).postDataJSON() as { chainId?: number }).chainId).to.equal(LOCAL_CHAIN_ID_2);
      await merchant.page.waitForURL(new RegExp(`#/invoice/${LOCAL_CHAIN_ID_2}/\\d+\\?created=1$`), { timeout: 60_000 });
      id = new RegExp(`#/invoice/${LOCAL_CHAIN_ID_2}/(\\d+)`).exec(merchant.page.url())![1]!;
      const sent = merchant.wallet.requestsOf("eth_sendTransaction").at(-1)!;
      expect((sent.params[0] as { to: string }).to.toLowerCase()).to.equal(
        backend.chain(LOCAL_CHAIN_ID_2).deployment.contracts.PaymentEscrow!.address.toLowerCase(),
      );
      await merchant.screenshot("second-chain-created");
    });

    it("lists the invoice with its chain, and the network filter keeps only that chain's rows", async function () {
      await merchant.go("#/invoices?role=merchant&tab=all");
      const row = merchant.page.locator(`tr[data-invoice="${id}"][data-chain="${LOCAL_CHAIN_ID_2}"]`);
      await row.waitFor();
      expect(await row.locator(".chain-badge").textContent()).to.equal("Hardhat (local 2)");
      expect(await merchant.page.locator(`tr[data-chain="${LOCAL_CHAIN_ID}"]`).count()).to.be.greaterThan(0);
      const filtered = merchant.page.waitForRequest((r) => /\/invoices\?.*chainId=31338/.test(r.url()));
      await merchant.page.selectOption("#invoice-chain-filter", String(LOCAL_CHAIN_ID_2));
      await filtered;
      await row.waitFor();
      await merchant.page.locator(`tr[data-chain="${LOCAL_CHAIN_ID}"]`).first().waitFor({ state: "detached" });
      expect(
        await merchant.page.locator("tr[data-invoice]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-chain"))),
      ).to.satisfy((chains: string[]) => chains.length > 0 && chains.every((c) => c === String(LOCAL_CHAIN_ID_2)));
      await merchant.screenshot("list-filtered");
    });

    it("shows a second-chain row in a token only that chain has while the wallet is on the first chain", async function () {
      const deployer = backend.signer(7, LOCAL_CHAIN_ID_2);
      const first = backend.signer(0, LOCAL_CHAIN_ID);
      let token: string;
      try {
        token = await deployTestToken(deployer, "Second Dollar", "SDOL", 8);
        expect(await first.provider!.getCode(token), "the token must not exist on the first chain").to.equal("0x");
      } finally {
        deployer.provider!.destroy();
        first.provider!.destroy();
      }
      const sdol = await createOnChain(backend, LOCAL_CHAIN_ID_2, { amount: parseUnits("12.5", 8), reference: "multichain-sdol", token });
      await backend.waitForIndex();
      await merchant.wallet.useChain(LOCAL_CHAIN_ID);
      await merchant.waitForText("#account-bar .network-name", "Hardhat (local)");
      const tokenReads: string[] = [];
      merchant.page.on("request", (r) => {
        if (new URL(r.url()).pathname.startsWith("/blockchain/tokens/")) tokenReads.push(r.url().toLowerCase());
      });
      await merchant.go("#/invoices?role=merchant&tab=all");
      await merchant.waitForText(`tr[data-invoice="${sdol}"][data-chain="${LOCAL_CHAIN_ID_2}"] td.num strong`, "12.5 SDOL");
      // The wallet is on the first chain: the row's token was read by the API's node of the row's chain.
      expect(tokenReads).to.include(
        `${new URL(merchant.page.url()).origin}/blockchain/tokens/${token.toLowerCase()}?chainid=${LOCAL_CHAIN_ID_2}`,
      );
      expect(merchant.problems).to.deep.equal([]);
      await merchant.screenshot("list-second-chain-token");
    });
  });
});
