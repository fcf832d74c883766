/**
 * Small Settle transactions sent straight from the node's unlocked accounts (each mined at once),
 * for tests that need a few recognisable events: SETL transfers and paid ETH invoices.
 */
import { Interface, ZeroAddress, getAddress, id as hashOf, parseEther } from "ethers";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { invoiceTerms } from "./constants";
import { REPO_ROOT, type HardhatNode, type TestDeployment } from "./node";

function abiOf(path: string): Interface {
  return new Interface((JSON.parse(readFileSync(join(REPO_ROOT, "artifacts", path), "utf8")) as { abi: never }).abi);
}

const TOKEN = abiOf("contracts/SettleToken.sol/SettleToken.json");
const ESCROW = abiOf("contracts/PaymentEscrow.sol/PaymentEscrow.json");

/** Sends transactions from the node's unlocked accounts (mined at once) and returns their hashes. */
export class Actor {
  /** @param accounts the node's accounts (eth_accounts): 0 sends SETL, 1 is merchant, 2 payer. */
  constructor(
    private readonly node: HardhatNode,
    private readonly deployment: TestDeployment,
    private readonly accounts: string[],
  ) {}

  private send(from: number, to: string, abi: Interface, fn: string, args: unknown[], value = 0n): Promise<string> {
    const data = abi.encodeFunctionData(fn, args);
    return this.node.rpc<string>("eth_sendTransaction", [
      { from: this.accounts[from], to, data, value: `0x${value.toString(16)}`, gas: "0x1000000" },
    ]);
  }

  /** A SETL transfer from account 0 to a fresh address derived from `seed`. */
  transfer(seed: string, amount = parseEther("1")): Promise<string> {
    const to = getAddress("0x" + hashOf(seed).slice(26));
    return this.send(0, this.deployment.contracts.SettleToken.address, TOKEN, "transfer", [to, amount]);
  }

  /** An ETH invoice from account 1 to account 2, paid by account 2: three transactions' hashes. */
  async paidInvoice(reference: string, amount = parseEther("0.25")): Promise<string[]> {
    const escrow = this.deployment.contracts.PaymentEscrow.address;
    const block = await this.node.rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
    const due = Number(block.timestamp) + 30 * 24 * 3600;
    const created = await this.send(1, escrow, ESCROW, "createInvoice", [
      invoiceTerms({
        payer: this.accounts[2],
        token: ZeroAddress,
        amount,
        dueDate: due,
        disputeWindow: 3600,
        referenceHash: hashOf(reference),
      }),
    ]);
    const count = BigInt(
      await this.node.rpc<string>("eth_call", [{ to: escrow, data: ESCROW.encodeFunctionData("invoiceCount") }, "latest"]),
    );
    const paid = await this.send(2, escrow, ESCROW, "payNative", [count], amount);
    return [created, paid];
  }
}
