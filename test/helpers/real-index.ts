/**
 * The index every API test reads: a real Hardhat node, the real deploy, a short scripted set of
 * real transactions (SETL transfers, a stake, invoices created, paid, released, disputed and
 * resolved), and the real indexer (launcher + Ponder) kept running so that tests which send more
 * transactions can wait for them to be indexed: into SQLite, and (from the first suite on PostgreSQL)
 * a second one into PostgreSQL, so that the same suites read the same chain from either backend. Built once per test run (memoized; the first
 * suite's {@link useRealIndex} hook builds it) and shared by every API test file; a root `after`
 * hook stops the node and the indexer.
 */
import Database from "better-sqlite3";
import { Contract, type HDNodeWallet, JsonRpcProvider, type JsonRpcSigner, Wallet, id as hashOf, parseEther } from "ethers";
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { IndexReader } from "../../api/index/reader";
import type { Deployment } from "../../core/deployment";
import { invoiceTerms } from "./constants";
import type { Backend } from "./app-db";
import { type RunningIndexer, startIndexer } from "./indexer";
import { REPO_ROOT, deploySettle, startHardhatNode, type HardhatNode, type TestDeployment } from "./node";
import { stopAllProcesses } from "./processes";

/** The ABI of a compiled contract (`path` under artifacts/contracts). */
export function artifactAbi(path: string): never {
  return (JSON.parse(readFileSync(join(REPO_ROOT, "artifacts", "contracts", path), "utf8")) as { abi: never }).abi;
}

/** The invoices the script made, by what happened to them. */
export interface ScriptedInvoices {
  /** Created, paid in full, released. */
  released: bigint;
  /** Created with an arbiter, paid, disputed, resolved 60/40 by the arbiter. */
  resolved: bigint;
  /** Created, paid in full. */
  paid: bigint;
  /** Created only. */
  open: bigint;
}

/** A real index and the chain it is built from. */
export interface RealIndex {
  /** The Hardhat node (its own free port). */
  node: HardhatNode;
  /** What the real deploy wrote (addresses, deploy blocks, its temporary folder). */
  deployment: TestDeployment;
  /** The deployment file as the API reads it. */
  deploymentFile: Deployment;
  /** A provider on the node, without response cache. */
  provider: JsonRpcProvider;
  /** The running indexer (SQLite). */
  indexer: RunningIndexer;
  /** Read module on the live index (SQLite; ready once the fixture is built). */
  reader: IndexReader;
  /** The indexer and read module of `backend` (the PostgreSQL one is started on first use, and ready when returned). */
  onBackend(backend: Backend): Promise<{ indexer: RunningIndexer; reader: IndexReader }>;
  /** The node's unlocked account `i` (they sign SIWE messages too). */
  signer(i: number): Promise<JsonRpcSigner>;
  /**
   * A new random account with 100 ETH from the admin: for specs that transact on this shared chain, so that what they
   * create never shows in another spec's lists and stats (the node's accounts 6 and up are few and shared).
   */
  freshSigner(): Promise<HDNodeWallet>;
  /** Accounts 0 to 5; the stranger never appears in the index. Accounts 6 and up are free for tests that transact. */
  admin: JsonRpcSigner;
  merchant: JsonRpcSigner;
  payer: JsonRpcSigner;
  arbiter: JsonRpcSigner;
  staker: JsonRpcSigner;
  stranger: JsonRpcSigner;
  invoices: ScriptedInvoices;
  /** Amount of each scripted invoice (SETL wei). */
  invoiceAmount: bigint;
  /** What the staker staked (SETL wei). */
  staked: bigint;
  /** Hashes of the SETL transfers from admin to merchant, payer and staker. */
  transfers: string[];
  /** Contracts of the deployment, connected to the admin. */
  contracts: { setl: Contract; staking: Contract; escrow: Contract };
  /** Waits until the index (each running one) has every block the node has mined so far. */
  waitForIndex(): Promise<void>;
  /**
   * A copy of the index as it is now (SQLite backup of the real database): a real, ready index
   * that stays at today's block while the chain moves on.
   */
  snapshot(): Promise<IndexReader>;
}

async function build(): Promise<RealIndex> {
  const node = await startHardhatNode();
  const deployment = await deploySettle(node);
  // No response cache: tests mine a block and read the new head at once.
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  provider.pollingInterval = 20;
  const signer = (i: number) => provider.getSigner(i);
  const [admin, merchant, payer, arbiter, staker, stranger] = await Promise.all([0, 1, 2, 3, 4, 5].map(signer));
  const { SettleToken, StakingRewards, PaymentEscrow } = deployment.contracts;
  const setl = new Contract(SettleToken.address, artifactAbi("SettleToken.sol/SettleToken.json"), admin);
  const staking = new Contract(StakingRewards.address, artifactAbi("StakingRewards.sol/StakingRewards.json"), admin);
  const escrow = new Contract(PaymentEscrow.address, artifactAbi("PaymentEscrow.sol/PaymentEscrow.json"), admin);
  const as = (contract: Contract, who: JsonRpcSigner) => contract.connect(who) as Contract;
  const send = async (promise: Promise<{ wait(): Promise<unknown>; hash: string }>) => {
    const tx = await promise;
    await tx.wait();
    return tx.hash;
  };

  const transfers: string[] = [];
  for (const to of [merchant!, payer!, staker!]) transfers.push(await send(setl.getFunction("transfer")(to.address, parseEther("1000"))));
  const staked = parseEther("100");
  await send(as(setl, staker!).getFunction("approve")(StakingRewards.address, staked));
  await send(as(staking, staker!).getFunction("stake")(staked));

  const invoiceAmount = parseEther("10");
  await send(as(setl, payer!).getFunction("approve")(PaymentEscrow.address, invoiceAmount * 10n));
  const due = (await provider.getBlock("latest"))!.timestamp + 30 * 24 * 3600;
  const create = async (reference: string, withArbiter: boolean): Promise<bigint> => {
    await send(
      as(escrow, merchant!).getFunction("createInvoice")(
        invoiceTerms({
          payer: payer!.address,
          token: SettleToken.address,
          amount: invoiceAmount,
          dueDate: due,
          disputeWindow: 7 * 24 * 3600,
          arbiter: withArbiter ? arbiter!.address : undefined,
          referenceHash: hashOf(reference),
        }),
      ),
    );
    return (await escrow.getFunction("invoiceCount")()) as bigint;
  };
  const pay = (id: bigint) => send(as(escrow, payer!).getFunction("pay")(id, invoiceAmount));

  const released = await create("api-test released", false);
  await pay(released);
  await send(as(escrow, payer!).getFunction("release")(released, invoiceAmount));
  const resolved = await create("api-test resolved", true);
  await pay(resolved);
  await send(as(escrow, payer!).getFunction("dispute")(resolved));
  await send(as(escrow, arbiter!).getFunction("resolve")(resolved, (invoiceAmount * 6n) / 10n, (invoiceAmount * 4n) / 10n));
  const paid = await create("api-test paid", false);
  await pay(paid);
  const open = await create("api-test open", false);

  const indexer = await startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir, backend: "sqlite" });
  let postgres: Promise<RunningIndexer> | undefined;
  const waitForIndex = async () => {
    await indexer.waitUntilIndexed(undefined, 180_000);
    if (postgres) await (await postgres).waitUntilIndexed(undefined, 180_000);
  };
  await waitForIndex();
  const reader = new IndexReader({ path: indexer.databasePath });
  return {
    node,
    deployment,
    deploymentFile: JSON.parse(readFileSync(deployment.path, "utf8")) as Deployment,
    provider,
    indexer,
    reader,
    async onBackend(backend) {
      if (backend === "sqlite") return { indexer, reader };
      postgres ??= startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir, backend: "postgres" }).then(
        async (started) => {
          await started.waitUntilIndexed(undefined, 300_000);
          return started;
        },
      );
      const started = await postgres;
      return { indexer: started, reader: started.reader };
    },
    signer,
    async freshSigner() {
      const wallet = Wallet.createRandom().connect(provider);
      await (await admin!.sendTransaction({ to: wallet.address, value: parseEther("100") })).wait();
      return wallet;
    },
    admin: admin!,
    merchant: merchant!,
    payer: payer!,
    arbiter: arbiter!,
    staker: staker!,
    stranger: stranger!,
    invoices: { released, resolved, paid, open },
    invoiceAmount,
    staked,
    transfers,
    contracts: { setl, staking, escrow },
    waitForIndex,
    async snapshot() {
      const dir = mkdtempSync(join(tmpdir(), "settle-index-snapshot-"));
      const path = join(dir, "public.db");
      const source = new Database(indexer.databasePath, { readonly: true, fileMustExist: true });
      try {
        await source.backup(path);
      } finally {
        source.close();
      }
      const identity = join(dirname(indexer.databasePath), "settle-index.json");
      if (existsSync(identity)) copyFileSync(identity, join(dir, "settle-index.json"));
      return new IndexReader({ path });
    },
  };
}

let built: Promise<RealIndex> | undefined;

/** The shared real index (built on first use: a minute or so on a busy machine). */
export function realIndex(): Promise<RealIndex> {
  built ??= build();
  return built;
}

/**
 * Builds the shared index (once per run) in a `before` hook of the calling suite, with a timeout
 * long enough for a busy machine; call it first thing in every API test file's top-level describe.
 */
export function useRealIndex(): void {
  before(async function () {
    this.timeout(600_000);
    await realIndex();
  });
}

// Root hook: stop the indexer and the node once the whole run is over.
after(async function () {
  this.timeout(60_000);
  if (!built) return;
  const index = await built.catch(() => undefined);
  await index?.reader.close();
  index?.provider.destroy();
  await stopAllProcesses();
});
