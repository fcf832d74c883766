/**
 * Many real Settle events, quickly: SETL transfers and StakingRewards stake/withdraw cycles made in
 * bulk by the test-only BenchSettle contract (contracts/test/BenchSettle.sol), one transaction per
 * block, each under the node's 16,777,216 gas cap. For benchmarks and for tests that need a backfill
 * that lasts a while.
 */
import { Contract, ContractFactory, Interface, JsonRpcProvider, getAddress, id as topicOf, type InterfaceAbi } from "ethers";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type HardhatNode, type LocalDeployment } from "./node";
import { REPO_ROOT } from "./paths";

/** Event signatures of Settle's contracts that the indexer handles (topic0), for counting. */
export const INDEXED_EVENT_SIGNATURES = [
  "Transfer(address,address,uint256)",
  "Staked(address,uint256,uint256,uint256)",
  "Withdrawn(address,uint256,uint256,uint256)",
  "RewardPaid(address,uint256)",
  "RewardAdded(uint256,uint256,uint256,uint256,uint256)",
  "RewardsDurationUpdated(uint256)",
  "Recovered(address,uint256,address)",
];

/** Recipients of the bulk transfers. */
const RECIPIENTS = Array.from({ length: 100 }, (_, i) => getAddress("0x" + (0xbe0000 + i).toString(16).padStart(40, "0")));
/** Rounds over the recipients per transaction: 2,800 transfers, about 11.5 M gas. */
const TRANSFER_ROUNDS = 28;
/** Stake+withdraw cycles per transaction (4 events each): about 12 M gas before refunds. */
const STAKE_CYCLES = 250;
const TX_GAS = "0xF42400"; // 16,000,000

function artifact(path: string): { abi: InterfaceAbi; bytecode: string } {
  return JSON.parse(readFileSync(join(REPO_ROOT, "artifacts", "contracts", path), "utf8")) as { abi: InterfaceAbi; bytecode: string };
}

/**
 * Counts the logs of Settle's contracts that the indexer handles (SETL transfers, staking events;
 * escrow events when `deployment` has them are counted too).
 */
export async function countIndexedEvents(node: HardhatNode, deployment: LocalDeployment): Promise<number> {
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  try {
    const topics = new Set(INDEXED_EVENT_SIGNATURES.map((signature) => topicOf(signature)));
    const { SettleToken, StakingRewards, PaymentEscrow } = deployment.contracts;
    const escrowEvents = new Interface(artifact("interfaces/IPaymentEscrow.sol/IPaymentEscrow.json").abi);
    escrowEvents.forEachEvent((event) => topics.add(event.topicHash));
    const logs = await provider.getLogs({
      address: [SettleToken.address, StakingRewards.address, PaymentEscrow.address],
      fromBlock: 0,
      toBlock: "latest",
    });
    return logs.filter((log) => topics.has(log.topics[0]!)).length;
  } finally {
    provider.destroy();
  }
}

/** A BenchSettle helper deployed and funded on a node. */
export interface EventGenerator {
  address: string;
  /**
   * Sends one transaction of `rounds` x 100 SETL transfers (default 28 rounds: 2,800 events), in one
   * block, to 100 fixed addresses or to `recipients` (at most 100 keeps it under the gas cap).
   */
  transfers(rounds?: number, recipients?: readonly string[]): Promise<void>;
  /** Sends one transaction of `cycles` stake+withdraw cycles (default 250: 1,000 events), in one block. */
  stakeCycles(cycles?: number): Promise<void>;
}

/** Deploys BenchSettle on `node` and gives it 10 M SETL from the deployer (account 0). */
export async function deployEventGenerator(node: HardhatNode, deployment: LocalDeployment): Promise<EventGenerator> {
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1 });
  provider.pollingInterval = 20;
  try {
    const deployer = await provider.getSigner(0);
    const bench = artifact("test/BenchSettle.sol/BenchSettle.json");
    const helper = await new ContractFactory(bench.abi, bench.bytecode, deployer).deploy(
      deployment.contracts.SettleToken.address,
      deployment.contracts.StakingRewards.address,
    );
    await helper.waitForDeployment();
    const address = await helper.getAddress();
    const token = new Contract(deployment.contracts.SettleToken.address, artifact("SettleToken.sol/SettleToken.json").abi, deployer);
    await (await token.getFunction("transfer")(address, 10_000_000n * 10n ** 18n)).wait();
    // The node mines each transaction before it answers: no need to wait for receipts.
    const send = (data: string) =>
      node.rpc("eth_sendTransaction", [{ from: deployer.address, to: address, data, gas: TX_GAS }]).then(() => undefined);
    return {
      address,
      transfers: (rounds = TRANSFER_ROUNDS, recipients = RECIPIENTS) =>
        send(helper.interface.encodeFunctionData("transfers", [recipients, rounds, 1n])),
      stakeCycles: (cycles = STAKE_CYCLES) => send(helper.interface.encodeFunctionData("stakeCycles", [cycles, 10n ** 18n])),
    };
  } finally {
    provider.destroy();
  }
}

/**
 * Puts at least `target` indexed Settle events on the chain (about three quarters transfers, one
 * quarter staking events), then, when `bury` is set, mines 32 empty blocks (one `evm_mine` each) so
 * that they are older than Ponder's finality (30 blocks on a local chain). Returns the number of
 * indexed events on the chain.
 */
export async function generateSettleEvents(
  node: HardhatNode,
  deployment: LocalDeployment,
  target: number,
  options: { bury?: boolean; generator?: EventGenerator } = {},
): Promise<number> {
  const generator = options.generator ?? (await deployEventGenerator(node, deployment));
  let events = await countIndexedEvents(node, deployment);
  for (let round = 0; events < target; round++) {
    if (round % 4 === 3) {
      await generator.stakeCycles();
      events += 4 * STAKE_CYCLES;
    } else {
      await generator.transfers();
      events += RECIPIENTS.length * TRANSFER_ROUNDS;
    }
  }
  if (options.bury ?? true) await node.mine(32);
  return countIndexedEvents(node, deployment);
}
