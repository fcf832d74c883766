/**
 * Relayed payments for the specs: TestUSD of the real deployment, invoices made straight on chain, and payments signed
 * through core/relay's signRelayRequest as the page and the task sign them.
 */
import { Contract, type Signer, TypedDataEncoder } from "ethers";
import { type PermitDomainReader, readPermitDomain } from "../../core/permit";
import {
  RELAYED_PAYMENT_TYPES,
  type RelayRequestBody,
  type RelayedPayment,
  type TokenPullName,
  relayDomain,
  signRelayRequest,
} from "../../core/relay";
import { invoiceTerms } from "./constants";
import { type RealIndex, artifactAbi } from "./real-index";
import { currencyToBytes3 } from "../../core/invoice/currency";

/** TestUSD's whole units in base units (6 decimals). */
export const usd = (units: number): bigint => BigInt(units) * 1_000_000n;

/** Invoices and signed payments in TestUSD on the shared real deployment. */
export class RelayKit {
  /** TestUSD, connected to the admin (mint is open to anyone). */
  readonly usd: Contract;
  readonly escrowAddress: string;

  constructor(private readonly real: RealIndex) {
    const address = real.deployment.tokens?.TestUSD?.address;
    if (!address) throw new Error("the real deployment has no TestUSD");
    this.usd = new Contract(address, artifactAbi("tokens/TestUSD.sol/TestUSD.json"), real.admin);
    this.escrowAddress = real.deployment.contracts.PaymentEscrow.address;
  }

  /** Mints `amount` TestUSD to `to`. */
  async mint(to: string, amount: bigint): Promise<void> {
    await (await this.usd.getFunction("mint")(to, amount)).wait();
  }

  /**
   * Creates a TestUSD invoice of `amount` from `merchant` to `payer` (null: anyone) due in 30 days, priced in
   * `currency` when given (`amount` then in its hundredths, converted when paid); returns its id.
   */
  async invoice(merchant: Signer, payer: string | null, amount: bigint, currency?: string): Promise<bigint> {
    const block = await this.real.provider.getBlock("latest");
    const terms = invoiceTerms({
      payer: payer ?? undefined,
      token: await this.usd.getAddress(),
      amount,
      dueDate: block!.timestamp + 30 * 86_400,
      ...(currency ? { currency: currencyToBytes3(currency) } : {}),
    });
    const escrow = this.real.contracts.escrow.connect(merchant) as Contract;
    const receipt = await (await escrow.getFunction("createInvoice")(terms)).wait();
    for (const log of receipt!.logs) {
      const parsed = escrow.interface.parseLog(log);
      if (parsed?.name === "InvoiceCreated") return parsed.args[0] as bigint;
    }
    throw new Error("no InvoiceCreated");
  }

  /** `payer`'s signed payment of `amount` on invoice `id` pulled as `kind`, valid for `seconds` from the node's time. */
  async sign(payer: Signer, kind: TokenPullName, id: bigint, amount: bigint, seconds = 3600, nonce?: bigint): Promise<RelayRequestBody> {
    const block = await this.real.provider.getBlock("latest");
    const payment: RelayedPayment = {
      id,
      amount,
      payer: await payer.getAddress(),
      nonce: nonce ?? BigInt(Math.floor(Math.random() * 2 ** 48)),
      deadline: BigInt(block!.timestamp + seconds),
    };
    const chainId = BigInt(this.real.deploymentFile.chainId);
    const tokenAddress = await this.usd.getAddress();
    return signRelayRequest(payer, kind, payment, {
      chainId,
      escrow: this.escrowAddress,
      tokenDomain: await readPermitDomain(this.usd as unknown as PermitDomainReader, chainId, tokenAddress),
      permitNonce: (await this.usd.getFunction("nonces")(payment.payer)) as bigint,
      paymentDigest: TypedDataEncoder.hash(relayDomain(chainId, this.escrowAddress), RELAYED_PAYMENT_TYPES, payment),
    });
  }
}
