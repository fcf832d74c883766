import { expect } from "chai";
import { type Contract, type HDNodeWallet, Interface, Wallet, ZeroAddress, parseEther } from "ethers";
import { MAX_BATCH_INVOICES } from "../../core/invoice/limits";
import { type TestApp, errorCode, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { describeBackends } from "../helpers/app-db";
import { invoiceTerms } from "../helpers/constants";
import { type RealIndex, artifactAbi, useRealIndex } from "../helpers/real-index";
import { RelayKit, usd } from "../helpers/relay";

interface Tx {
  action: string;
  to: string;
  data: string;
  value: string;
  chainId: number;
}
interface Plan {
  transactions: Tx[];
  payments: Array<{ id: string; token: string; amount: string }>;
}
interface Refusal {
  error: { code: string; message: string; details: { invoices: Array<{ invoiceId: string; status: number; code: string }> } };
}

const ESCROW = new Interface(artifactAbi("PaymentEscrow.sol/PaymentEscrow.json"));

describeBackends("API POST /invoices/batch-transactions (real chain and index)", function () {
  useRealIndex();
  let t: TestApp;
  let real: RealIndex;
  let kit: RelayKit;
  /** Fresh accounts of this suite only, funded by the admin. */
  let merchant: HDNodeWallet;
  let payer: HDNodeWallet;
  let stranger: HDNodeWallet;
  let payerAuth: Record<string, string>;
  let merchantAuth: Record<string, string>;
  let strangerAuth: Record<string, string>;

  const fresh = async () => {
    const wallet = Wallet.createRandom().connect(real.provider);
    await (await real.admin.sendTransaction({ to: wallet.address, value: parseEther("100") })).wait();
    return wallet;
  };
  /** Creates an invoice from `merchant` in `token` (null payer: anyone) due in 30 days; returns its id. */
  const invoice = async (token: string, amount: bigint, to: string | null = payer.address): Promise<bigint> => {
    const block = await real.provider.getBlock("latest");
    const terms = invoiceTerms({ payer: to ?? undefined, token, amount, dueDate: block!.timestamp + 30 * 86_400 });
    const escrow = real.contracts.escrow.connect(merchant) as Contract;
    const receipt = await (await escrow.getFunction("createInvoice")(terms)).wait();
    for (const log of receipt!.logs) {
      const parsed = ESCROW.parseLog(log);
      if (parsed?.name === "InvoiceCreated") return parsed.args[0] as bigint;
    }
    throw new Error("no InvoiceCreated");
  };
  const batch = (body: unknown, auth = payerAuth) => t.app.request("/invoices/batch-transactions", jsonRequest("POST", body, auth));
  const plan = async (body: unknown, auth = payerAuth): Promise<Plan> => {
    const res = await batch(body, auth);
    expect(res.status, await res.clone().text()).to.equal(200);
    return (await res.json()) as Plan;
  };
  const refusal = async (body: unknown, status: number, auth = payerAuth): Promise<Refusal["error"]> => {
    const res = await batch(body, auth);
    expect(res.status, await res.clone().text()).to.equal(status);
    return ((await res.json()) as Refusal).error;
  };
  const sendAll = async (txs: Tx[]) => {
    for (const tx of txs) {
      const receipt = await (await payer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) })).wait();
      expect(receipt?.status, tx.action).to.equal(1);
    }
  };
  const statusOf = async (id: bigint) => {
    const res = await t.app.request(`/invoices/${id}`, { headers: payerAuth });
    return ((await res.json()) as { onchain: { status: string } }).onchain.status;
  };

  before(async function () {
    t = await makeApp();
    real = t.real;
    kit = new RelayKit(real);
    [merchant, payer, stranger] = [await fresh(), await fresh(), await fresh()];
    await (await real.contracts.setl.getFunction("transfer")(payer.address, parseEther("100"))).wait();
    await kit.mint(payer.address, usd(1000));
    [{ auth: payerAuth }, { auth: merchantAuth }, { auth: strangerAuth }] = [
      await signIn(t, payer),
      await signIn(t, merchant),
      await signIn(t, stranger),
    ];
  });
  after(async function () {
    await t?.close();
  });

  it("returns an approve per token and one payMany whose value is the ETH total; sent, they pay every invoice", async function () {
    const setl = real.deployment.contracts.SettleToken.address;
    const testUsd = await kit.usd.getAddress();
    const ids = [
      await invoice(testUsd, usd(40)),
      await invoice(ZeroAddress, parseEther("0.5"), null),
      await invoice(setl, parseEther("3")),
      await invoice(testUsd, usd(25)),
    ];
    await real.waitForIndex();
    const { transactions, payments } = await plan({ invoiceIds: ids.map(String) });
    expect(transactions.map((x) => x.action)).to.deep.equal(["approve", "approve", "payMany"]);
    const approved = transactions
      .slice(0, 2)
      .map((x) => [x.to.toLowerCase(), ESCROW.getAbiCoder().decode(["address", "uint256"], `0x${x.data.slice(10)}`)[1]]);
    expect(approved).to.have.deep.members([
      [setl.toLowerCase(), parseEther("3")],
      [testUsd.toLowerCase(), usd(65)],
    ]);
    const pay = transactions[2]!;
    expect(pay.value).to.equal(parseEther("0.5").toString());
    const [callIds, amounts] = ESCROW.decodeFunctionData("payMany", pay.data) as unknown as [bigint[], bigint[]];
    expect(callIds.map(String)).to.deep.equal(payments.map((p) => p.id));
    expect([...callIds].sort()).to.deep.equal([...ids].sort());
    // Each token's invoices side by side (one pull per token), ETH last.
    const order = payments.map((p) => p.token.toLowerCase());
    expect(order.at(-1)).to.equal(ZeroAddress);
    expect(order.filter((token, i) => i > 0 && token !== order[i - 1]).length).to.equal(2);
    expect(amounts.reduce((a, b) => a + b, 0n)).to.equal(usd(65) + parseEther("3.5"));

    await sendAll(transactions);
    await real.waitForIndex();
    for (const id of ids) expect(await statusOf(id), `invoice ${id}`).to.equal("paid");
  });

  it("leaves the approve out when the allowance already covers the token's total", async function () {
    const testUsd = await kit.usd.getAddress();
    await (await (kit.usd.connect(payer) as Contract).getFunction("approve")(kit.escrowAddress, usd(30))).wait();
    const ids = [await invoice(testUsd, usd(10)), await invoice(testUsd, usd(20))];
    await real.waitForIndex();
    const { transactions } = await plan({ invoiceIds: ids.map(String) });
    expect(transactions.map((x) => x.action)).to.deep.equal(["payMany"]);
    await sendAll(transactions);
    await real.waitForIndex();
    for (const id of ids) expect(await statusOf(id)).to.equal("paid");
  });

  it("names every invoice that cannot be paid, with the first one's status and code", async function () {
    const testUsd = await kit.usd.getAddress();
    const open = await invoice(testUsd, usd(5));
    const cancelled = await invoice(testUsd, usd(5));
    await (await (real.contracts.escrow.connect(merchant) as Contract).getFunction("cancel")(cancelled)).wait();
    await real.waitForIndex();
    const paid = real.invoices.paid;
    const error = await refusal({ invoiceIds: [String(open), String(cancelled), String(paid), "999999"] }, 409);
    expect(error.code).to.equal("invoice_not_payable");
    expect(error.details.invoices.map((r) => [r.invoiceId, r.status, r.code])).to.deep.equal([
      [String(cancelled), 409, "invoice_not_payable"],
      [String(paid), 403, "not_invoice_payer"],
      ["999999", 404, "invoice_not_found"],
    ]);
    expect(error.message).to.contain(`invoice ${cancelled}: This invoice is cancelled`).and.to.contain("invoice 999999");
    expect(await errorCode(await batch({ invoiceIds: ["999999"] }))).to.equal("invoice_not_found");
    expect((await batch({ invoiceIds: ["999999"] })).status).to.equal(404);
  });

  it("refuses an unpaid invoice priced in a currency (422 invoice_priced_in_currency), naming it: it is paid alone", async function () {
    const plain = await kit.invoice(merchant, payer.address, usd(5));
    const priced = await kit.invoice(merchant, payer.address, 1250n, "EUR");
    await real.waitForIndex();
    const error = await refusal({ invoiceIds: [String(plain), String(priced)] }, 422);
    expect(error.code).to.equal("invoice_priced_in_currency");
    expect(error.details.invoices.map((r) => [r.invoiceId, r.status, r.code])).to.deep.equal([
      [String(priced), 422, "invoice_priced_in_currency"],
    ]);
    expect(error.message).to.contain(`invoice ${priced}: This invoice is priced in EUR`).and.to.contain("pay it alone");
    // Its payer only, even for this refusal.
    expect((await refusal({ invoiceIds: [String(priced)] }, 403, strangerAuth)).code).to.equal("not_invoice_payer");
    // Alone, the same invoice has its payPriced call (the quote converts the price).
    const alone = await t.app.request(`/invoices/${priced}/transactions`, jsonRequest("POST", { action: "pay" }, payerAuth));
    expect(alone.status, await alone.clone().text()).to.equal(200);
    const calls = ((await alone.json()) as { transactions: Tx[] }).transactions;
    expect(calls.map((tx) => tx.action)).to.deep.equal(["approve", "payPriced"]);
  });

  it("refuses a paid invoice (409), another payer's invoice (403), duplicates, an empty or oversized list (400)", async function () {
    const testUsd = await kit.usd.getAddress();
    const id = await invoice(testUsd, usd(7));
    await real.waitForIndex();
    expect((await refusal({ invoiceIds: [String(id)] }, 403, strangerAuth)).code).to.equal("not_invoice_payer");
    await sendAll((await plan({ invoiceIds: [String(id)] })).transactions);
    await real.waitForIndex();
    expect((await refusal({ invoiceIds: [String(id)] }, 409)).code).to.equal("invoice_already_paid");
    for (const invoiceIds of [
      [],
      [String(id), String(id)],
      Array.from({ length: MAX_BATCH_INVOICES + 1 }, (_, i) => String(i + 1)),
      ["-1"],
    ]) {
      expect((await refusal({ invoiceIds }, 400)).code, JSON.stringify(invoiceIds).slice(0, 40)).to.equal("validation_failed");
    }
    expect((await refusal({ invoiceIds: ["1"], payer: "0x12" }, 400)).code).to.equal("validation_failed");
  });

  it("prepares a batch for another payer only from the merchant of every invoice", async function () {
    const testUsd = await kit.usd.getAddress();
    const id = await invoice(testUsd, usd(3));
    await real.waitForIndex();
    const forPayer = await plan({ invoiceIds: [String(id)], payer: payer.address }, merchantAuth);
    expect(forPayer.transactions.at(-1)!.action).to.equal("payMany");
    expect((await refusal({ invoiceIds: [String(id)], payer: payer.address }, 403, strangerAuth)).code).to.equal("not_invoice_merchant");
  });

  it("takes draft ids: 409 while the draft is not on chain, then 400 for the draft and its on-chain id together", async function () {
    const body = {
      token: await kit.usd.getAddress(),
      payer: payer.address,
      dueDate: new Date(t.clock.now + 14 * 86_400_000).toISOString(),
      lineItems: [{ description: "Batch audit", quantity: 1, unitPrice: usd(12).toString() }],
    };
    const res = await t.app.request("/invoices", jsonRequest("POST", body, merchantAuth));
    expect(res.status, await res.clone().text()).to.equal(201);
    const draft = (await res.json()) as { id: string; transaction: Tx };
    expect((await refusal({ invoiceIds: [draft.id] }, 409)).code).to.equal("invoice_not_onchain");
    const { to, data } = draft.transaction;
    await (await merchant.sendTransaction({ to, data })).wait();
    await real.waitForIndex();
    const { payments } = await plan({ invoiceIds: [draft.id] });
    expect(payments.map((p) => p.amount)).to.deep.equal([usd(12).toString()]);
    const twice = await refusal({ invoiceIds: [draft.id, payments[0]!.id] }, 400);
    expect(twice.code).to.equal("invoice_listed_twice");
    expect(twice.message).to.contain(`already listed as ${draft.id}`);
  });

  it("is 401 when signed out", async function () {
    expect((await t.app.request("/invoices/batch-transactions", jsonRequest("POST", { invoiceIds: ["1"] }))).status).to.equal(401);
  });
});
