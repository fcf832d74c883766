/** Invoices and reads on a given chain of a two-chain {@link Backend}, straight on the contracts (for the browser journeys). */
import { Contract, ContractFactory, id as hashOf, type Wallet } from "ethers";
import { ZERO_ADDRESS } from "../../core/address";
import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";
import { statusFromValue } from "../../core/invoice/status";
import type { Backend } from "./browser-stack";
import { invoiceTerms } from "./constants";
import { artifact } from "./scenario-actions";

/** The escrow of chain `chainId` of `backend`, for `signer` (a Hardhat account on that chain's node). */
export function escrowOf(backend: Backend, chainId: number, signer: Wallet): Contract {
  return new Contract(backend.chain(chainId).deployment.contracts.PaymentEscrow!.address, PaymentEscrowAbi, signer);
}

/** What {@link createOnChain} creates: `amount` of `token` (default ETH) billed by account `merchant` to account `payer`. */
export interface OnChainInvoice {
  amount: bigint;
  /** Hashed into the invoice's reference. */
  reference: string;
  token?: string;
  /** Hardhat account indexes (default 1 bills 2). */
  merchant?: number;
  payer?: number;
}

/** Creates an invoice on chain `chainId`, due in 30 days, straight on the escrow; returns its id. */
export async function createOnChain(backend: Backend, chainId: number, invoice: OnChainInvoice): Promise<string> {
  const merchant = backend.signer(invoice.merchant ?? 1, chainId);
  try {
    const escrow = escrowOf(backend, chainId, merchant);
    const latest = await merchant.provider!.getBlock("latest");
    const terms = invoiceTerms({
      payer: backend.signer(invoice.payer ?? 2, chainId).address,
      token: invoice.token ?? ZERO_ADDRESS,
      amount: invoice.amount,
      dueDate: latest!.timestamp + 30 * 24 * 3600,
      referenceHash: hashOf(invoice.reference),
    });
    await (await escrow.getFunction("createInvoice")(terms)).wait();
    return String(await escrow.getFunction("invoiceCount")());
  } finally {
    merchant.provider!.destroy();
  }
}

/** The on-chain status of invoice `id` of chain `chainId` ("open", "paid", ...). */
export async function chainStatus(backend: Backend, chainId: number, id: string): Promise<string | undefined> {
  const reader = backend.signer(0, chainId);
  try {
    const invoice = (await escrowOf(backend, chainId, reader).getFunction("getInvoice")(id)) as { status: bigint };
    return statusFromValue(invoice.status);
  } finally {
    reader.provider!.destroy();
  }
}

/** Deploys a TestToken (ERC-20 with an open mint) called `name` (`symbol`, `decimals`) through `signer`; returns its address. */
export async function deployTestToken(signer: Wallet, name: string, symbol: string, decimals: number): Promise<string> {
  const { abi, bytecode } = artifact("test/TestToken.sol/TestToken.json");
  const token = await new ContractFactory(abi, bytecode, signer).deploy(name, symbol, decimals);
  await token.waitForDeployment();
  return token.getAddress();
}
