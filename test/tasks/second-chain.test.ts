import { expect } from "chai";
import { Contract, JsonRpcProvider } from "ethers";
import { existsSync } from "node:fs";
import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";
import { LOCAL_CHAIN_ID_2 } from "../../core/chains";
import { deploySettle, startHardhatNode, type HardhatNode, type TestDeployment } from "../helpers/node";
import { stopAllProcesses } from "../helpers/processes";
import { runTaskProcess } from "../helpers/task-runner";

// The tasks keep `--network`: `localhost2` is the second local chain (31338) of `npm start -- --chains 2`.
describe("Tasks on the second local chain (--network localhost2)", function () {
  this.timeout(300_000);

  let node: HardhatNode;
  let deployment: TestDeployment;
  let provider: JsonRpcProvider;

  /** Runs a task with --json on `localhost2`, pointed at this spec's node; returns its JSON. */
  async function task(name: string, args: Record<string, string>): Promise<Record<string, string>> {
    const run = await runTaskProcess(
      name,
      { ...args, json: true },
      { network: "localhost2", env: { RPC_URL_LOCALHOST2: node.url, SETTLE_DEPLOYMENTS_DIR: deployment.deploymentsDir } },
    );
    expect(run.exitCode, run.err).to.equal(0);
    return JSON.parse(run.out) as Record<string, string>;
  }

  before(async function () {
    node = await startHardhatNode({ chainId: LOCAL_CHAIN_ID_2 });
    deployment = await deploySettle(node, undefined, "localhost2");
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  });

  after(async function () {
    provider?.destroy();
    await stopAllProcesses();
  });

  it("deploys onto chain 31338 and writes deployments/localhost2.json", function () {
    expect(deployment.chainId).to.equal(LOCAL_CHAIN_ID_2);
    expect(deployment.path).to.match(/localhost2\.json$/);
    expect(existsSync(deployment.path)).to.equal(true);
  });

  it("creates and pays an invoice there, the chain itself says paid", async function () {
    const { invoice } = await task("invoice:create", { amount: "12", payer: "2", from: "1" });
    await task("invoice:pay", { id: invoice!, from: "2" });
    const escrow = new Contract(deployment.contracts.PaymentEscrow.address, PaymentEscrowAbi, provider);
    const invoiceOnChain = (await escrow.getFunction("getInvoice")(BigInt(invoice!))) as { paid: bigint; amount: bigint };
    expect(invoiceOnChain.paid).to.equal(invoiceOnChain.amount);
    expect(Number((await provider.getNetwork()).chainId)).to.equal(LOCAL_CHAIN_ID_2);
  });
});
