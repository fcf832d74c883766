/**
 * Where the gas of escrow.release and escrow.refund goes: replays bench/escrow-gas.ts's scenario for a returning
 * payer and merchant (second round), traces each measured transaction with debug_traceTransaction and sums the
 * cost per kind of operation (intrinsic, cold/warm SLOAD, SSTORE, logs, the token call and what it spends inside).
 * Gas refunds are none on these paths (no slot is cleared), so the parts add up to gasUsed.
 * Run: npx hardhat run bench/escrow-gas-breakdown.ts (BREAKDOWN_OPS=1 adds the escrow frame's cost per opcode).
 */
import { network } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import { deployEscrowScenario } from "./lib/escrow-scenario";

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
}

/** Sums a traced transaction's gas per category: escrow frame (depth 1) and token frame (depth 2) apart. */
async function breakdown(tx: ContractTransactionResponse, outer = "escrow"): Promise<Record<string, number>> {
  const receipt = await tx.wait();
  if (!receipt) throw new Error("transaction was dropped");
  const trace = (await network.provider.send("debug_traceTransaction", [tx.hash, { disableStorage: true, disableMemory: true }])) as {
    structLogs: StructLog[];
  };
  const logs = trace.structLogs;
  const out: Record<string, number> = { gasUsed: Number(receipt.gasUsed) };
  const first = logs[0];
  if (!first) throw new Error("empty trace");
  out["intrinsic (21,000 + calldata)"] = Number(tx.gasLimit) - first.gas;
  const add = (key: string, value: number) => (out[key] = (out[key] ?? 0) + value);
  for (let i = 0; i < logs.length; i++) {
    const step = logs[i]!;
    const next = logs[i + 1];
    if (step.depth === 1 && step.op === "CALL" && next && next.depth === 2) {
      // The token call: what the escrow frame lost over the call, split into the call itself (cold account
      // access, memory) and what the token spends inside.
      let j = i + 1;
      let inside = 0;
      for (; j < logs.length && logs[j]!.depth > 1; j++) {
        const t = logs[j]!;
        inside += t.gasCost;
        const kind =
          t.op === "SLOAD"
            ? `SLOAD ${t.gasCost >= 2100 ? "cold" : "warm"}`
            : t.op === "SSTORE" || t.op.startsWith("LOG")
              ? t.op
              : "other opcodes";
        add(`token ${kind}`, t.gasCost);
      }
      const after = logs[j];
      if (!after) throw new Error("trace ends inside the token call");
      add(`${outer} CALL to the token (cold account access, memory)`, step.gas - after.gas - inside);
      i = j - 1;
      continue;
    }
    let key: string;
    if (step.op === "SLOAD") key = `${outer} SLOAD ${step.gasCost >= 2100 ? "cold" : "warm"}`;
    else if (step.op === "SSTORE" || step.op.startsWith("LOG")) key = `${outer} ${step.op}`;
    else if (step.op === "TLOAD" || step.op === "TSTORE") key = `${outer} TLOAD/TSTORE (reentrancy guard)`;
    else key = `${outer} other opcodes (dispatch, decoding, checks, memory)`;
    add(key, step.gasCost);
    if (step.op === "SLOAD" || step.op === "SSTORE") add(`${key} (count)`, 1);
    if (process.env.BREAKDOWN_OPS) add(`  opcode ${step.op}`, step.gasCost);
  }
  return out;
}

async function main(): Promise<void> {
  const { merchant, payer, escrow, token, unit, paidTokenInvoice: paidInvoice } = await deployEscrowScenario();
  const results: Record<string, Record<string, number>> = {};
  // The floor of bench/gas.ts: a plain transfer between holders that already have balances.
  await token.connect(payer).transfer(merchant, 1n);
  results["floor.transfer"] = await breakdown(await token.connect(payer).transfer(merchant, unit), "token");
  for (let round = 0; round < 2; round++) {
    const releaseTx = await escrow.connect(payer).release(await paidInvoice(), unit);
    const refundTx = await escrow.connect(merchant).refund(await paidInvoice(), unit);
    if (round === 1) {
      results["escrow.release"] = await breakdown(releaseTx);
      results["escrow.refund"] = await breakdown(refundTx);
    }
  }
  for (const [name, parts] of Object.entries(results)) {
    console.log(name);
    console.table(parts);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
