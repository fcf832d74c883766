/**
 * Demo data for `npm start -- --demo`: a few merchants' invoices in every state (open, partly paid,
 * paid, released, refunded, disputed, resolved, cancelled), their payments and some stakes, made the
 * way people make them: the merchants sign in to the API with Ethereum and create each invoice from
 * a draft with line items (so that the page shows the document and its verification mark), then the
 * test accounts send the real transactions to the node.
 */
import { Contract, JsonRpcProvider, Network, ZeroAddress, parseEther, type HDNodeWallet, type Wallet } from "ethers";
import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";
import { SettleTokenAbi } from "../../core/abis/SettleToken";
import { StakingRewardsAbi } from "../../core/abis/StakingRewards";
import type { Deployment } from "../../core/deployment";
import type { InvoiceStatus } from "../../core/invoice/status";
import { SIWE_STATEMENT, siweMessage } from "../../core/siwe";
import { signPermit, type EthersPermitToken } from "./permit";
import { testAccount } from "./test-accounts";

/** Where the demo sends things. */
export interface DemoTarget {
  /** The node's JSON-RPC URL. */
  rpcUrl: string;
  /** The API's public origin (SIWE's domain and URI). */
  apiUrl: string;
  /** The contracts the demo uses. */
  deployment: Pick<Deployment, "chainId" | "contracts">;
  /** Prints one progress line. */
  log?: (line: string) => void;
}

/** The roles the demo gives to the test accounts (Hardhat accounts 1 to 4). */
export const DEMO_ACCOUNTS = { merchant: 1, client: 2, arbiter: 3, freelancer: 4 } as const;

type Role = keyof typeof DEMO_ACCOUNTS;

/** One demo invoice: who issues it to whom, its lines, and what happens to it after creation. */
interface DemoInvoice {
  merchant: Role;
  payer: Role | null;
  arbiter?: Role;
  token: "SETL" | "ETH";
  lines: [description: string, quantity: number, unitPrice: string][];
  notes?: string;
  /** The status the steps lead to (as the index names it). */
  expect: InvoiceStatus;
  steps: Step[];
}

type Step =
  | { pay: "permit" | "approve" | "eth"; amount?: string }
  | { release: string }
  | { refund: string }
  | { resolve: [toMerchant: string, toPayer: string] }
  | "dispute"
  | "cancel";

/** The demo's invoices, in the order they are created (on-chain ids 1, 2, ... on a fresh chain). */
export const DEMO_INVOICES: readonly DemoInvoice[] = [
  {
    merchant: "merchant",
    payer: "client",
    arbiter: "arbiter",
    token: "SETL",
    lines: [
      ["Website redesign: discovery and wireframes", 1, "600"],
      ["Website redesign: visual design, per page", 4, "150"],
    ],
    notes: "Thank you for your business.",
    expect: "released",
    steps: [{ pay: "permit" }, { release: "500" }, { release: "700" }],
  },
  {
    merchant: "merchant",
    payer: "client",
    arbiter: "arbiter",
    token: "SETL",
    lines: [["Logo and brand kit", 1, "450"]],
    expect: "paid",
    steps: [{ pay: "approve" }],
  },
  {
    merchant: "merchant",
    payer: "client",
    arbiter: "arbiter",
    token: "ETH",
    lines: [["Consulting, per day", 2, "0.5"]],
    notes: "Remote sessions, 14 and 15 November.",
    expect: "disputed",
    steps: [{ pay: "eth" }, "dispute"],
  },
  {
    merchant: "merchant",
    payer: "client",
    arbiter: "arbiter",
    token: "SETL",
    lines: [
      ["Mobile app prototype", 1, "650"],
      ["User testing session", 1, "150"],
    ],
    expect: "resolved",
    steps: [{ pay: "permit" }, "dispute", { resolve: ["500", "300"] }],
  },
  {
    merchant: "merchant",
    payer: "client",
    token: "SETL",
    lines: [["Photography session, per hour", 3, "100"]],
    expect: "partially_paid",
    steps: [{ pay: "permit", amount: "100" }],
  },
  {
    merchant: "merchant",
    payer: "client",
    token: "SETL",
    lines: [["Workshop tickets", 2, "30"]],
    notes: "Workshop cancelled by the venue: refunded in full.",
    expect: "refunded",
    steps: [{ pay: "permit" }, { refund: "60" }],
  },
  {
    merchant: "merchant",
    payer: null,
    token: "SETL",
    lines: [["Monthly hosting, December", 1, "90"]],
    notes: "Anyone may pay this invoice.",
    expect: "open",
    steps: [],
  },
  {
    merchant: "merchant",
    payer: "freelancer",
    token: "SETL",
    lines: [["Copywriting, per page", 5, "30"]],
    expect: "cancelled",
    steps: ["cancel"],
  },
  {
    merchant: "freelancer",
    payer: "merchant",
    arbiter: "arbiter",
    token: "SETL",
    lines: [["Translation into French, per 1,000 words", 4, "55"]],
    expect: "open",
    steps: [],
  },
];

/** SETL the demo stakes, per account. */
export const DEMO_STAKES: Partial<Record<Role, string>> = { client: "2000", arbiter: "1500", merchant: "500" };

const PERMIT_VALIDITY_SECONDS = 3600n;
const DAY = 86_400;

/** A signed-in account: its wallet and its API session token. */
interface Actor {
  wallet: Wallet | HDNodeWallet;
  token?: string;
}

/**
 * Fills the chain with {@link DEMO_INVOICES} and {@link DEMO_STAKES}. Needs the API running (the
 * merchants create their drafts there) and a fresh deployment: it returns the on-chain ids it made.
 *
 * @throws Error with the API's message when a request fails
 */
export async function fillDemo(target: DemoTarget): Promise<{ invoices: { id: bigint; expect: InvoiceStatus }[] }> {
  const log = target.log ?? (() => undefined);
  const provider = new JsonRpcProvider(target.rpcUrl, Network.from(target.deployment.chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
    pollingInterval: 100,
  });
  try {
    const { SettleToken, StakingRewards, PaymentEscrow } = target.deployment.contracts;
    const escrowAt = (signer: Actor["wallet"]) => new Contract(PaymentEscrow.address, PaymentEscrowAbi, signer);
    const tokenAt = (signer: Actor["wallet"]) => new Contract(SettleToken.address, SettleTokenAbi, signer);
    const actors = Object.fromEntries(
      Object.entries(DEMO_ACCOUNTS).map(([role, index]) => [role, { wallet: testAccount(index).connect(provider) }]),
    ) as Record<Role, Actor>;
    const send = async (what: string, tx: Promise<{ wait(): Promise<unknown> }>) => {
      await (await tx).wait();
      log(what);
    };
    const permit = (owner: Actor["wallet"], spender: string, value: bigint) =>
      provider
        .getBlock("latest")
        .then((block) =>
          signPermit(
            tokenAt(owner) as unknown as EthersPermitToken,
            owner,
            spender,
            value,
            BigInt(block!.timestamp) + PERMIT_VALIDITY_SECONDS,
          ),
        );

    const made: { id: bigint; expect: InvoiceStatus }[] = [];
    for (const invoice of DEMO_INVOICES) {
      const merchant = actors[invoice.merchant];
      merchant.token ??= await signIn(target, merchant.wallet);
      const tokenAddress = invoice.token === "ETH" ? ZeroAddress : SettleToken.address;
      const draft = await apiRequest<{ transaction: { to: string; data: string; value: string } }>(
        target,
        "POST",
        "/invoices",
        merchant.token,
        {
          token: tokenAddress,
          payer: invoice.payer ? actors[invoice.payer].wallet.address : null,
          arbiter: invoice.arbiter ? actors[invoice.arbiter].wallet.address : null,
          dueDate: new Date(Date.now() + 14 * DAY * 1000).toISOString(),
          disputeWindowSeconds: 3 * DAY,
          lineItems: invoice.lines.map(([description, quantity, price]) => ({
            description,
            quantity,
            unitPrice: parseEther(price).toString(),
          })),
          notes: invoice.notes ?? null,
        },
      );
      const receipt = await (
        await merchant.wallet.sendTransaction({ ...draft.transaction, value: BigInt(draft.transaction.value) })
      ).wait();
      const escrow = escrowAt(merchant.wallet);
      const created = receipt!.logs.map((entry) => escrow.interface.parseLog(entry)).find((parsed) => parsed?.name === "InvoiceCreated");
      const id = created!.args.getValue("id") as bigint;
      const total = invoice.lines.reduce((sum, [, quantity, price]) => sum + BigInt(quantity) * parseEther(price), 0n);
      log(`invoice #${id} "${invoice.lines[0]![0]}" created by ${invoice.merchant}`);

      for (const step of invoice.steps) {
        const payer = actors[invoice.payer ?? "client"].wallet;
        const asPayer = escrowAt(payer);
        if (step === "dispute") await send(`invoice #${id} disputed`, asPayer.getFunction("dispute")(id));
        else if (step === "cancel") await send(`invoice #${id} cancelled`, escrow.getFunction("cancel")(id));
        else if ("pay" in step) {
          const amount = step.amount ? parseEther(step.amount) : total;
          if (step.pay === "eth") await send(`invoice #${id} paid in ETH`, asPayer.getFunction("payNative")(id, { value: amount }));
          else if (step.pay === "approve") {
            await send(`invoice #${id}: payment approved`, tokenAt(payer).getFunction("approve")(PaymentEscrow.address, amount));
            await send(`invoice #${id} paid`, asPayer.getFunction("pay")(id, amount));
          } else {
            const p = await permit(payer, PaymentEscrow.address, amount);
            await send(`invoice #${id} paid with a permit`, asPayer.getFunction("payWithPermit")(id, p.value, p.deadline, p.v, p.r, p.s));
          }
        } else if ("release" in step)
          await send(`invoice #${id}: ${step.release} released`, asPayer.getFunction("release")(id, parseEther(step.release)));
        else if ("refund" in step) await send(`invoice #${id} refunded`, escrow.getFunction("refund")(id, parseEther(step.refund)));
        else {
          const [toMerchant, toPayer] = step.resolve.map((value) => parseEther(value));
          await send(
            `invoice #${id} resolved by the arbiter`,
            escrowAt(actors.arbiter.wallet).getFunction("resolve")(id, toMerchant, toPayer),
          );
        }
      }
      made.push({ id, expect: invoice.expect });
    }

    for (const [role, amount] of Object.entries(DEMO_STAKES) as [Role, string][]) {
      const staker = actors[role].wallet;
      const p = await permit(staker, StakingRewards.address, parseEther(amount));
      const staking = new Contract(StakingRewards.address, StakingRewardsAbi, staker);
      await send(`${role} staked ${amount} SETL`, staking.getFunction("stakeWithPermit")(p.value, p.deadline, p.v, p.r, p.s));
    }
    return { invoices: made };
  } finally {
    provider.destroy();
  }
}

/** Signs `wallet` in to the API with Ethereum (nonce, EIP-4361 message, verify) and returns the session token. */
async function signIn(target: DemoTarget, wallet: Actor["wallet"]): Promise<string> {
  // The nonce is bound to this client by a cookie that POST /auth/verify needs back.
  const issued = await fetch(new URL("/auth/nonce", target.apiUrl));
  if (!issued.ok) throw new Error(`GET /auth/nonce: HTTP ${issued.status}`);
  const fields = (await issued.json()) as { nonce: string; domain: string; uri: string; chainId: number };
  const cookie = issued.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const message = siweMessage({
    domain: fields.domain,
    address: wallet.address,
    statement: SIWE_STATEMENT,
    uri: fields.uri,
    chainId: fields.chainId,
    nonce: fields.nonce,
    issuedAt: new Date().toISOString(),
  });
  const signature = await wallet.signMessage(message);
  return (await apiRequest<{ token: string }>(target, "POST", "/auth/verify", undefined, { message, signature }, { cookie })).token;
}

/** One JSON request to the API (`headers` added to it); throws with the API's own message on an error answer. */
async function apiRequest<T>(
  target: DemoTarget,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(new URL(path, target.apiUrl), {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json()) as T & { error?: { message: string } };
  if (!response.ok) throw new Error(`${method} ${path}: ${answer.error?.message ?? `HTTP ${response.status}`}`);
  return answer;
}
