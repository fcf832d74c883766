import { expect } from "chai";
import { type Contract, type HDNodeWallet, type JsonRpcSigner, Signature, Wallet } from "ethers";
import { testAccount } from "../../scripts/lib/test-accounts";
import { type TestApp, errorCode, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { type RealIndex, useRealIndex } from "../helpers/real-index";
import { RelayKit, usd } from "../helpers/relay";

/** The relayer's key in these specs: Hardhat account 15 (accounts 0 to 5 belong to the scripted index, 6 to 12 to other specs). */
const RELAYER = testAccount(15);

describe("API relayed payments", function () {
  useRealIndex();
  let t: TestApp;
  let real: RealIndex;
  let kit: RelayKit;
  let merchant: JsonRpcSigner;
  /** A payer without any ETH: it only signs. */
  let payer: HDNodeWallet;

  const relay = (id: bigint | string, body: unknown, app: TestApp = t) =>
    app.app.request(`/invoices/${id}/relay`, jsonRequest("POST", body));
  /** Relays `body`, expects 200, waits for the receipt and returns it. */
  const relayed = async (id: bigint, body: unknown) => {
    const res = await relay(id, body);
    expect(res.status, await res.clone().text()).to.equal(200);
    const { txHash, relayer } = (await res.json()) as { txHash: string; relayer: string };
    expect(relayer).to.equal(RELAYER.address);
    const receipt = await real.provider.waitForTransaction(txHash);
    expect(receipt?.status).to.equal(1);
    expect(receipt?.from).to.equal(RELAYER.address);
    return receipt!;
  };
  const paidOf = async (id: bigint) => ((await real.contracts.escrow.getFunction("getInvoice")(id)) as { paid: bigint }).paid;

  before(async function () {
    t = await makeApp({ env: { RELAYER_PRIVATE_KEY: RELAYER.privateKey } });
    real = t.real;
    kit = new RelayKit(real);
    merchant = await real.signer(13);
    payer = Wallet.createRandom();
    await kit.mint(payer.address, usd(1000));
  });
  after(async function () {
    await t?.close();
  });

  describe("with the relayer on", function () {
    it("submits an EIP-3009 (receiveWithAuthorization) payment: the payer pays no gas", async function () {
      const id = await kit.invoice(merchant, payer.address, usd(100));
      await real.waitForIndex();
      await relayed(id, await kit.sign(payer, "ReceiveWithAuthorization", id, usd(100)));
      expect(await paidOf(id)).to.equal(usd(100));
      expect(await real.provider.getBalance(payer.address)).to.equal(0n);
    });

    it("refuses an invoice priced in a currency and not paid yet (422): payPriced pays it, from the payer's wallet", async function () {
      const id = await kit.invoice(merchant, payer.address, 1250n, "EUR");
      await real.waitForIndex();
      const res = await relay(id, await kit.sign(payer, "ReceiveWithAuthorization", id, usd(14)));
      expect(res.status, await res.clone().text()).to.equal(422);
      expect(await errorCode(res)).to.equal("invoice_priced_in_currency");
      expect(await paidOf(id)).to.equal(0n);
    });

    it("submits an EIP-2612 (permit) payment", async function () {
      const id = await kit.invoice(merchant, payer.address, usd(50));
      await real.waitForIndex();
      await relayed(id, await kit.sign(payer, "Permit", id, usd(50)));
      expect(await paidOf(id)).to.equal(usd(50));
    });

    it("submits a payment from an existing allowance", async function () {
      const approver = await real.signer(14);
      await kit.mint(await approver.getAddress(), usd(30));
      await (await kit.usd.connect(approver).getFunction("approve")(kit.escrowAddress, usd(30))).wait();
      const id = await kit.invoice(merchant, await approver.getAddress(), usd(30));
      await real.waitForIndex();
      await relayed(id, await kit.sign(approver, "Allowance", id, usd(30)));
      expect(await paidOf(id)).to.equal(usd(30));
    });

    it("refuses a replay of a submitted payment (409 with the contract's sentence)", async function () {
      const id = await kit.invoice(merchant, payer.address, usd(20));
      await real.waitForIndex();
      const body = await kit.sign(payer, "ReceiveWithAuthorization", id, usd(10));
      await relayed(id, body);
      await real.waitForIndex();
      const res = await relay(id, body);
      expect(res.status).to.equal(409);
      const error = ((await res.json()) as { error: { code: string; message: string; details: { error: string } } }).error;
      expect(error.code).to.equal("relay_refused");
      expect(error.details.error).to.equal("EscrowRelayNonceUsed");
      expect(error.message).to.equal("This signed payment was already submitted or cancelled.");
    });

    it("refuses a payment signed by someone else than its payer (400)", async function () {
      const id = await kit.invoice(merchant, payer.address, usd(10));
      await real.waitForIndex();
      const forged = await kit.sign(Wallet.createRandom(), "ReceiveWithAuthorization", id, usd(10));
      const res = await relay(id, { ...forged, payment: { ...forged.payment, payer: payer.address } });
      expect(res.status).to.equal(400);
      const error = ((await res.json()) as { error: { code: string; details: { error: string } } }).error;
      expect(error).to.deep.include({ code: "relay_refused" });
      expect(error.details.error).to.equal("EscrowRelayInvalidSignature");
    });

    it("refuses an expired payment (400 relay_expired)", async function () {
      const id = await kit.invoice(merchant, payer.address, usd(10));
      await real.waitForIndex();
      const res = await relay(id, await kit.sign(payer, "Permit", id, usd(10), -60));
      expect(res.status).to.equal(400);
      expect(await errorCode(res)).to.equal("relay_expired");
    });

    it("refuses a payment for another invoice (400), by another account than the payer (403), and bad input (400)", async function () {
      const id = await kit.invoice(merchant, payer.address, usd(10));
      const other = await kit.invoice(merchant, payer.address, usd(10));
      await real.waitForIndex();
      const body = await kit.sign(payer, "Permit", id, usd(10));
      const mismatch = await relay(other, body);
      expect(mismatch.status).to.equal(400);
      expect(await errorCode(mismatch)).to.equal("payment_invoice_mismatch");
      const stranger = Wallet.createRandom();
      const notPayer = await relay(id, await kit.sign(stranger, "Permit", id, usd(10)));
      expect(notPayer.status).to.equal(403);
      expect(await errorCode(notPayer)).to.equal("not_invoice_payer");
      const bad = await relay(id, { ...body, pull: { kind: "Transfer" } });
      expect(bad.status).to.equal(400);
      expect(await errorCode(bad)).to.equal("validation_failed");
    });

    it("shows the relayer's address and balance in /health", async function () {
      const res = await t.app.request("/health");
      const { relayer } = (await res.json()) as { relayer: { enabled: boolean; address: string; balance: string; state: string } };
      expect(relayer).to.include({ enabled: true, address: RELAYER.address, state: "ok" });
      expect(BigInt(relayer.balance) > 0n).to.equal(true);
    });
  });

  describe("POST /invoices/:id/transactions offers the permit and relayed paths", function () {
    type Typed = {
      types: Record<string, Array<{ name: string; type: string }>>;
      domain: Record<string, unknown>;
      message: Record<string, unknown>;
    };
    type Alternatives = {
      permit?: { typedData: Typed; then: { to: string; args: Record<string, string> } };
      relayed?: { endpoint: string; pull: string; payment: Record<string, string>; typedData: { payment: Typed; pull: Typed } };
    };
    /** Signs an eth_signTypedData_v4 payload with an ethers signer (which takes the types without EIP712Domain). */
    const signPayload = (signer: JsonRpcSigner, { types, domain, message }: Typed) => {
      const rest = Object.fromEntries(Object.entries(types).filter(([name]) => name !== "EIP712Domain"));
      return signer.signTypedData(domain, rest, message);
    };
    let buyer: JsonRpcSigner;
    let auth: Record<string, string>;
    const alternativesOf = async (app: TestApp, id: bigint) => {
      const res = await app.app.request(`/invoices/${id}/transactions`, jsonRequest("POST", { action: "pay" }, auth));
      expect(res.status, await res.clone().text()).to.equal(200);
      const body = (await res.json()) as { transactions: Array<{ action: string }>; alternatives: Alternatives };
      expect(body.transactions.map((x) => x.action)).to.deep.equal(["approve", "pay"]);
      return body.alternatives;
    };
    before(async function () {
      buyer = await real.signer(12);
      auth = (await signIn(t, buyer)).auth;
      await kit.mint(await buyer.getAddress(), usd(100));
    });

    it("offers the relayed path with EIP-3009 for TestUSD: its two signatures, posted to the endpoint, pay the invoice", async function () {
      const id = await kit.invoice(merchant, await buyer.getAddress(), usd(25));
      await real.waitForIndex();
      const { relayed } = await alternativesOf(t, id);
      expect(relayed).to.include({ endpoint: `/invoices/${id}/relay`, pull: "ReceiveWithAuthorization" });
      const signature = await signPayload(buyer, relayed!.typedData.payment);
      const pull = Signature.from(await signPayload(buyer, relayed!.typedData.pull));
      const res = await t.app.request(
        relayed!.endpoint,
        jsonRequest("POST", { payment: relayed!.payment, signature, pull: { kind: relayed!.pull, v: pull.v, r: pull.r, s: pull.s } }),
      );
      expect(res.status, await res.clone().text()).to.equal(200);
      await real.provider.waitForTransaction(((await res.json()) as { txHash: string }).txHash);
      expect(await paidOf(id)).to.equal(usd(25));
    });

    it("offers the permit path: the signed permit and payWithPermit pay the invoice in one transaction", async function () {
      const id = await kit.invoice(merchant, await buyer.getAddress(), usd(15));
      await real.waitForIndex();
      const { permit } = await alternativesOf(t, id);
      const sig = Signature.from(await signPayload(buyer, permit!.typedData));
      const escrow = real.contracts.escrow.connect(buyer) as Contract;
      const { id: invoiceId, amount, deadline } = permit!.then.args;
      await (await escrow.getFunction("payWithPermit")(invoiceId, amount, deadline, sig.v, sig.r, sig.s)).wait();
      expect(await paidOf(id)).to.equal(usd(15));
    });

    it("leaves the relayed path out when the relayer is off", async function () {
      const off = await makeApp();
      try {
        auth = (await signIn(off, buyer)).auth;
        const id = await kit.invoice(merchant, await buyer.getAddress(), usd(5));
        await real.waitForIndex();
        const alternatives = await alternativesOf(off, id);
        expect(alternatives.permit).to.not.equal(undefined);
        expect(alternatives.relayed).to.equal(undefined);
      } finally {
        await off.close();
      }
    });
  });

  describe("limits", function () {
    let strict: TestApp;
    before(async function () {
      strict = await makeApp({
        env: {
          RELAYER_PRIVATE_KEY: RELAYER.privateKey,
          RELAYER_MAX_GAS_PRICE_GWEI: "0",
          RELAYER_IP_LIMIT_PER_HOUR: "1",
          RELAYER_LOW_BALANCE_ETH: "1000000",
        },
      });
    });
    after(async function () {
      await strict?.close();
    });

    it("refuses while gas costs more than the ceiling (503), then per IP (429)", async function () {
      const id = await kit.invoice(merchant, payer.address, usd(10));
      await real.waitForIndex();
      const body = await kit.sign(payer, "Permit", id, usd(10));
      const expensive = await relay(id, body, strict);
      expect(expensive.status).to.equal(503);
      expect(await errorCode(expensive)).to.equal("relayer_gas_price_too_high");
      const again = await relay(id, body, strict);
      expect(again.status).to.equal(429);
      expect(Number(again.headers.get("retry-after"))).to.be.greaterThan(0);
      expect(await errorCode(again)).to.equal("rate_limited");
    });

    it("submits at most RELAYER_PAYER_LIMIT_PER_HOUR payments per payer (429 after)", async function () {
      const once = await makeApp({ env: { RELAYER_PRIVATE_KEY: RELAYER.privateKey, RELAYER_PAYER_LIMIT_PER_HOUR: "1" } });
      try {
        const [first, second] = [await kit.invoice(merchant, payer.address, usd(5)), await kit.invoice(merchant, payer.address, usd(5))];
        await real.waitForIndex();
        const sent = await relay(first, await kit.sign(payer, "ReceiveWithAuthorization", first, usd(5)), once);
        expect(sent.status, await sent.clone().text()).to.equal(200);
        await real.provider.waitForTransaction(((await sent.json()) as { txHash: string }).txHash);
        const refused = await relay(second, await kit.sign(payer, "ReceiveWithAuthorization", second, usd(5)), once);
        expect(refused.status).to.equal(429);
        expect(await errorCode(refused)).to.equal("rate_limited");
      } finally {
        await once.close();
      }
    });

    it("reports a balance under RELAYER_LOW_BALANCE_ETH as low in /health", async function () {
      const { relayer } = (await (await strict.app.request("/health")).json()) as { relayer: { state: string } };
      expect(relayer.state).to.equal("low");
    });
  });

  describe("with the relayer off", function () {
    it("answers 503 relayer_off, and /health says so", async function () {
      const off = await makeApp();
      try {
        const res = await relay(1n, {}, off);
        expect(res.status).to.equal(503);
        expect(await errorCode(res)).to.equal("relayer_off");
        const { relayer } = (await (await off.app.request("/health")).json()) as { relayer: unknown };
        expect(relayer).to.deep.equal({ enabled: false });
      } finally {
        await off.close();
      }
    });
  });
});
