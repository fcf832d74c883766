import { expect } from "chai";
import { Contract, Wallet, formatEther, parseEther } from "ethers";
import { Backend, BrowserSession } from "../helpers/browser-stack";

/** Reads a number shown by the page ("10,000.5" → 10000.5). */
async function shown(stack: BrowserSession, selector: string): Promise<number> {
  const text = (await stack.page.textContent(selector)) ?? "";
  return Number(text.replace(/[,\s]/g, ""));
}

describe("web: staking journey", function () {
  this.timeout(120_000);
  let backend: Backend;
  let stack: BrowserSession;

  before(async function () {
    backend = await Backend.shared();
    stack = await BrowserSession.start(backend, { name: "staking", accountIndex: 4 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") await stack?.screenshot(`failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, "-")}`);
  });

  after(async function () {
    await stack?.stop();
  });

  it("asks to connect a wallet, then shows the balance, stake, earned and APR", async function () {
    await stack.open("#/staking");
    await stack.page.getByRole("heading", { name: "Connect your wallet" }).waitFor();
    await stack.screenshot("connect");

    await stack.page.click("#gate-connect");
    await stack.page.waitForSelector("#staking-wallet");
    expect(await shown(stack, "#staking-wallet")).to.equal(10_000);
    expect(await shown(stack, "#staking-staked")).to.equal(0);
    expect(stack.wallet.requestsOf("eth_requestAccounts")).to.have.length(1);
    expect(await stack.page.textContent("#account-button")).to.contain(stack.wallet.address.slice(0, 6));
    await stack.screenshot("position");
  });

  it("stakes with a permit signature and one transaction, then the rewards tick", async function () {
    const sentBefore = stack.wallet.requestsOf("eth_sendTransaction").length;
    await stack.page.fill("#stake-amount", "1,000");
    await stack.page.click("#stake-submit");
    expect(await stack.txCard("#stake-tx", "indexed")).to.contain("Stake 1,000 SETL");
    expect(stack.wallet.requestsOf("eth_signTypedData_v4")).to.have.length(1);
    expect(stack.wallet.requestsOf("eth_sendTransaction").length - sentBefore).to.equal(1);

    await stack.waitForText("#staking-staked", "1,000");
    expect(await shown(stack, "#staking-wallet")).to.equal(9_000);
    const first = await shown(stack, "#staking-earned");
    await stack.page.waitForTimeout(1500);
    const later = await shown(stack, "#staking-earned");
    expect(later).to.be.greaterThan(first);
    expect(await stack.page.textContent("#staking-apr")).to.match(/^[\d,.]+$/);
    await stack.screenshot("staked");
  });

  it("claims the rewards into the wallet", async function () {
    await stack.page.click("#claim-button");
    expect(await stack.txCard("#claim-tx", "indexed")).to.match(/Claim [\d,.]+ SETL rewards/);
    await stack.waitForText("#staking-wallet", (text) => Number(text.replace(/,/g, "")) > 9_000);
  });

  it("withdraws part of the stake", async function () {
    await stack.page.fill("#withdraw-amount", "400");
    await stack.page.click("#withdraw-submit");
    expect(await stack.txCard("#withdraw-tx", "indexed")).to.contain("Withdraw 400 SETL");
    await stack.waitForText("#staking-staked", "600");
    await stack.screenshot("withdrawn");
  });

  it("checks amounts before asking the wallet", async function () {
    await stack.page.fill("#withdraw-amount", "601");
    await stack.page.click("#withdraw-submit");
    expect(await stack.page.textContent("#withdraw-amount-error")).to.equal("You have only 600 SETL staked.");
    await stack.page.fill("#stake-amount", "1.5.2");
    await stack.page.click("#stake-submit");
    expect(await stack.page.textContent("#stake-amount-error")).to.equal("Enter a number such as 12.5.");
    expect(await stack.page.getAttribute("#stake-amount", "aria-invalid")).to.equal("true");
  });

  it("says so when the user rejects the signature in the wallet", async function () {
    stack.wallet.rejectNext("eth_signTypedData_v4");
    await stack.page.fill("#stake-amount", "10");
    await stack.page.click("#stake-submit");
    const text = await stack.txCard("#stake-tx", "failed");
    expect(text).to.contain("Rejected in your wallet");
    expect(text).to.contain("You rejected the request in your wallet. Nothing was sent.");
    await stack.screenshot("rejected");
  });

  it("decodes a contract error by name (staking paused by the operator)", async function () {
    const admin = backend.signer(0);
    const staking = new Contract(stack.deployment.contracts.StakingRewards!.address, ["function pause()", "function unpause()"], admin);
    await (await staking.getFunction("pause")()).wait();
    await stack.page.getByText("Staking is paused").waitFor();
    await stack.page.fill("#stake-amount", "10");
    await stack.page.click("#stake-submit");
    const text = await stack.txCard("#stake-tx", "failed");
    expect(text).to.contain("The contract refused: EnforcedPause");
    expect(text).to.contain("This is paused right now.");
    await stack.screenshot("contract-error");
    await (await staking.getFunction("unpause")()).wait();
    admin.provider!.destroy();
  });

  it("shows the wrong network without a reload and switches back", async function () {
    await stack.wallet.useChain(1);
    await stack.page.getByRole("heading", { name: "Wrong network" }).waitFor();
    expect(await stack.page.textContent("#account-bar")).to.contain("Wrong network");
    await stack.screenshot("wrong-network");
    await stack.page.click("#gate-switch");
    await stack.page.waitForSelector("#staking-staked");
    expect(stack.wallet.requestsOf("wallet_switchEthereumChain").length).to.be.greaterThan(0);
  });

  it("adds the chain to a wallet that does not know it (4902 then wallet_addEthereumChain)", async function () {
    stack.wallet.forgetChain(31337);
    await stack.wallet.useChain(5);
    await stack.page.click("#gate-switch");
    await stack.page.waitForSelector("#staking-staked");
    const added = stack.wallet.requestsOf("wallet_addEthereumChain");
    expect(added).to.have.length(1);
    expect((added[0]!.params[0] as { chainId: string }).chainId).to.equal("0x7a69");
  });

  it("follows an account switch in the wallet without a reload", async function () {
    await stack.wallet.useAccount(3);
    await stack.waitForText("#account-button", (text) => text.includes(stack.wallet.address.slice(0, 6)));
    await stack.waitForText("#staking-staked", "0");
    const reader = backend.signer(0);
    const token = new Contract(
      stack.deployment.contracts.SettleToken.address,
      ["function balanceOf(address) view returns (uint256)"],
      reader,
    );
    const balance = (await token.getFunction("balanceOf")(stack.wallet.address)) as bigint;
    reader.provider!.destroy();
    expect(await shown(stack, "#staking-wallet")).to.equal(Number(formatEther(balance)));
  });

  it("says when the account has no ETH for the network fee", async function () {
    const poor = Wallet.createRandom();
    const funder = backend.signer(3);
    const token = new Contract(
      stack.deployment.contracts.SettleToken!.address,
      ["function transfer(address,uint256) returns (bool)"],
      funder,
    );
    await (await token.getFunction("transfer")(poor.address, parseEther("50"))).wait();
    funder.provider!.destroy();
    await stack.wallet.useKey(poor.privateKey);
    await stack.waitForText("#staking-wallet", "50");
    await stack.page.fill("#stake-amount", "20");
    await stack.page.click("#stake-submit");
    const text = await stack.txCard("#stake-tx", "failed");
    expect(text).to.contain("Not enough ETH");
    await stack.screenshot("insufficient-funds");
  });

  it("fits a phone-sized screen", async function () {
    await stack.wallet.useAccount(4);
    await stack.page.setViewportSize({ width: 390, height: 844 });
    await stack.waitForText("#staking-staked", "600");
    const overflow = await stack.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
    expect(overflow, "horizontal overflow in pixels").to.be.at.most(0);
    await stack.screenshot("phone", { fullPage: false });
  });

  it("raised no uncaught error and broke no Content-Security-Policy rule", function () {
    expect(stack.problems).to.deep.equal([]);
  });
});
