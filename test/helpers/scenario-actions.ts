/**
 * A scripted run of every contract action, against a real node: SETL transfers, mint and burn;
 * stake (approve and permit), withdraw, claim, exit, notify, duration update, recovery; and every
 * invoice path of PaymentEscrow with SETL, a second ERC-20 (paid by approve and by permit) and
 * native ETH: release, claim, refund, reclaim (expired and after dispute), cancel, dispute with
 * resolution and settlement, payouts credited to a receiver that refuses ETH, withdrawals, fee
 * collection and changes, a sweep of surplus, allowlist changes, a relayed payment and a cancelled relay nonce, and
 * invoices left open, partially paid and expired; invoices priced in a currency paid in a token and in ETH.
 */
import {
  Contract,
  ContractFactory,
  JsonRpcProvider,
  ZeroAddress,
  ZeroHash,
  id as hashOf,
  parseEther,
  parseUnits,
  type JsonRpcSigner,
} from "ethers";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { HardhatNode, TestDeployment } from "./node";
import { REPO_ROOT } from "./node";
import { signPermit, type EthersPermitToken as PermitToken } from "../../scripts/lib/permit";
import { RELAYED_PAYMENT_TYPES, TOKEN_PULL, relayDomain } from "../../core/relay";
import { invoiceTerms } from "./constants";
import { currencyToBytes3 } from "../../core/invoice/currency";

/** The ABI and bytecode of a compiled contract (`path` under artifacts/contracts). */
export function artifact(path: string): { abi: never; bytecode: string } {
  return JSON.parse(readFileSync(join(REPO_ROOT, "artifacts", "contracts", path), "utf8")) as { abi: never; bytecode: string };
}

const DAY = 24 * 3600;

/** What the scenario created, for the checks that follow. */
export interface ScenarioResult {
  /** Every account that took part (EOAs and the receiver contract). */
  accounts: string[];
  /** ERC-20 tokens other than SETL used for invoices. */
  tokens: string[];
}

/** Signs an EIP-2612 permit of `owner` for `spender`, valid for two years of chain time. */
function permit(token: Contract, owner: JsonRpcSigner, spender: string, value: bigint) {
  return signPermit(token as unknown as PermitToken, owner, spender, value, BigInt(Math.floor(Date.now() / 1000) + 365 * DAY * 2));
}

/** Runs the scenario on `node` (whose contracts `deployment` describes). */
export async function runScenario(node: HardhatNode, deployment: TestDeployment): Promise<ScenarioResult> {
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1 });
  provider.pollingInterval = 20;
  const [admin, merchant, payer, payer2, arbiter, outsider, collector] = await Promise.all(
    [0, 1, 2, 3, 4, 5, 6].map((i) => provider.getSigner(i)),
  );
  const { SettleToken, StakingRewards, PaymentEscrow } = deployment.contracts;
  const setl = new Contract(SettleToken.address, artifact("SettleToken.sol/SettleToken.json").abi, admin);
  const staking = new Contract(StakingRewards.address, artifact("StakingRewards.sol/StakingRewards.json").abi, admin);
  const escrow = new Contract(PaymentEscrow.address, artifact("PaymentEscrow.sol/PaymentEscrow.json").abi, admin);
  const send = async (promise: Promise<{ wait(): Promise<unknown> }>) => (await promise).wait();
  const as = (contract: Contract, signer: JsonRpcSigner) => contract.connect(signer) as Contract;
  const now = async () => (await provider.getBlock("latest"))!.timestamp;
  const timeTravel = async (seconds: number) => {
    await node.rpc("evm_increaseTime", [seconds]);
    await node.mine(1);
  };
  let lastInvoice = 0n;
  const createInvoice = async (
    by: JsonRpcSigner,
    args: {
      payer?: string;
      token: string;
      amount: bigint;
      due?: number;
      window?: number;
      arbiter?: string;
      reference?: string;
      currency?: string;
    },
  ) => {
    const due = (await now()) + (args.due ?? 90 * DAY);
    const reference = hashOf(args.reference ?? `invoice ${lastInvoice + 1n}`);
    await send(
      as(escrow, by).getFunction("createInvoice")(
        invoiceTerms({
          payer: args.payer,
          token: args.token,
          amount: args.amount,
          dueDate: due,
          disputeWindow: args.window ?? DAY,
          arbiter: args.arbiter,
          referenceHash: reference,
          currency: args.currency === undefined ? undefined : currencyToBytes3(args.currency),
        }),
      ),
    );
    return ++lastInvoice;
  };

  // A second ERC-20 (6 decimals, permit) and a merchant contract that refuses ETH.
  const testTokenArtifact = artifact("test/TestToken.sol/TestToken.json");
  const tusd = (await new ContractFactory(testTokenArtifact.abi, testTokenArtifact.bytecode, admin).deploy(
    "Test USD",
    "TUSD",
    6,
  )) as Contract;
  await tusd.waitForDeployment();
  const tusdAddress = await tusd.getAddress();
  const receiverArtifact = artifact("test/HostileReceiver.sol/HostileReceiver.json");
  const receiver = (await new ContractFactory(receiverArtifact.abi, receiverArtifact.bytecode, admin).deploy()) as Contract;
  await receiver.waitForDeployment();
  const receiverAddress = await receiver.getAddress();
  for (const account of [payer, payer2]) await send(tusd.getFunction("mint")(account.address, parseUnits("100000", 6)));

  // SETL: transfers, a mint and a burn.
  await send(setl.getFunction("transfer")(outsider.address, parseEther("250")));
  await send(as(setl, payer).getFunction("transfer")(payer2.address, parseEther("100")));
  await send(as(setl, payer2).getFunction("burn")(parseEther("10")));
  await send(setl.getFunction("mint")(collector.address, parseEther("42")));

  // Staking: approve + stake, stake with permit, withdraw, claim, exit, more rewards, recovery.
  await send(as(setl, payer).getFunction("approve")(StakingRewards.address, parseEther("1000")));
  await send(as(staking, payer).getFunction("stake")(parseEther("1000")));
  const stakePermit = await permit(setl, payer2, StakingRewards.address, parseEther("500"));
  await send(
    as(staking, payer2).getFunction("stakeWithPermit")(
      parseEther("500"),
      stakePermit.deadline,
      stakePermit.v,
      stakePermit.r,
      stakePermit.s,
    ),
  );
  await send(as(setl, outsider).getFunction("approve")(StakingRewards.address, parseEther("50")));
  await send(as(staking, outsider).getFunction("stake")(parseEther("50")));
  await timeTravel(DAY);
  await send(as(staking, payer).getFunction("withdraw")(parseEther("300")));
  await send(as(staking, payer2).getFunction("claim")());
  await send(as(staking, payer).getFunction("exit")());
  await send(setl.getFunction("approve")(StakingRewards.address, parseEther("1000")));
  await send(staking.getFunction("notifyRewardAmount")(parseEther("1000")));
  await send(tusd.getFunction("mint")(StakingRewards.address, parseUnits("7", 6)));
  await send(staking.getFunction("recoverERC20")(tusdAddress, parseUnits("7", 6), collector.address));

  // I1: SETL, fixed payer, paid by approve, released in two parts.
  const i1 = await createInvoice(merchant, { payer: payer.address, token: SettleToken.address, amount: parseEther("400") });
  await send(as(setl, payer).getFunction("approve")(PaymentEscrow.address, parseEther("400")));
  await send(as(escrow, payer).getFunction("pay")(i1, parseEther("400")));
  await send(as(escrow, payer).getFunction("release")(i1, parseEther("160")));
  await send(as(escrow, payer).getFunction("release")(i1, parseEther("240")));

  // I2: TUSD, open to anyone, paid in full with one permit, claimed by the merchant after the window.
  const i2 = await createInvoice(merchant, { token: tusdAddress, amount: parseUnits("1500", 6), arbiter: arbiter.address });
  const p2 = await permit(tusd, payer2, PaymentEscrow.address, parseUnits("1500", 6));
  await send(as(escrow, payer2).getFunction("payWithPermit")(i2, parseUnits("1500", 6), p2.deadline, p2.v, p2.r, p2.s));

  // I3: ETH, refunded in two parts.
  const i3 = await createInvoice(merchant, { payer: payer.address, token: ZeroAddress, amount: parseEther("2") });
  await send(as(escrow, payer).getFunction("payNative")(i3, { value: parseEther("2") }));
  await send(as(escrow, merchant).getFunction("refund")(i3, parseEther("0.5")));
  await send(as(escrow, merchant).getFunction("refund")(i3, parseEther("1.5")));

  // I4: ETH, disputed, resolved by the arbiter.
  const i4 = await createInvoice(merchant, { payer: payer.address, token: ZeroAddress, amount: parseEther("3"), arbiter: arbiter.address });
  await send(as(escrow, payer).getFunction("payNative")(i4, { value: parseEther("3") }));
  await send(as(escrow, payer).getFunction("dispute")(i4));
  await send(as(escrow, arbiter).getFunction("resolve")(i4, parseEther("1"), parseEther("2")));

  // I5: SETL, disputed, settled by both sides.
  const i5 = await createInvoice(merchant, {
    payer: payer2.address,
    token: SettleToken.address,
    amount: parseEther("90"),
    arbiter: arbiter.address,
  });
  await send(as(setl, payer2).getFunction("approve")(PaymentEscrow.address, parseEther("90")));
  await send(as(escrow, payer2).getFunction("pay")(i5, parseEther("90")));
  await send(as(escrow, payer2).getFunction("dispute")(i5));
  await send(as(escrow, merchant).getFunction("proposeSettlement")(i5, parseEther("60")));
  await send(as(escrow, merchant).getFunction("proposeSettlement")(i5, parseEther("45")));
  await send(as(escrow, payer2).getFunction("acceptSettlement")(i5, parseEther("45")));

  // I6: TUSD, paid in two parts with two permits, disputed, left unresolved (reclaimed after the dispute timeout below).
  const i6 = await createInvoice(merchant, {
    payer: payer.address,
    token: tusdAddress,
    amount: parseUnits("70", 6),
    arbiter: arbiter.address,
  });
  for (const part of [parseUnits("20", 6), parseUnits("50", 6)]) {
    const p = await permit(tusd, payer, PaymentEscrow.address, part);
    await send(as(escrow, payer).getFunction("payWithPermit")(i6, part, p.deadline, p.v, p.r, p.s));
  }
  await send(as(escrow, payer).getFunction("dispute")(i6));

  // I7: cancelled before any payment.
  const i7 = await createInvoice(merchant, { payer: payer2.address, token: SettleToken.address, amount: parseEther("5") });
  await send(as(escrow, merchant).getFunction("cancel")(i7));

  // I8: TUSD due in an hour, partly paid (reclaimed once expired below).
  const i8 = await createInvoice(merchant, { payer: payer2.address, token: tusdAddress, amount: parseUnits("80", 6), due: 3600 });
  await send(as(tusd, payer2).getFunction("approve")(PaymentEscrow.address, parseUnits("30", 6)));
  await send(as(escrow, payer2).getFunction("pay")(i8, parseUnits("30", 6)));

  // I9: SETL partly paid, everything held refunded (closes it).
  const i9 = await createInvoice(merchant, { payer: payer.address, token: SettleToken.address, amount: parseEther("20") });
  await send(as(setl, payer).getFunction("approve")(PaymentEscrow.address, parseEther("7")));
  await send(as(escrow, payer).getFunction("pay")(i9, parseEther("7")));
  await send(as(escrow, merchant).getFunction("refund")(i9, parseEther("7")));

  // I10 stays open, I11 partly paid, I12 (ETH, due in an hour) expires unpaid.
  await createInvoice(merchant, { token: SettleToken.address, amount: parseEther("12"), reference: "same reference" });
  const i11 = await createInvoice(outsider, {
    payer: payer.address,
    token: tusdAddress,
    amount: parseUnits("9", 6),
    reference: "same reference",
  });
  await send(as(tusd, payer).getFunction("approve")(PaymentEscrow.address, parseUnits("4", 6)));
  await send(as(escrow, payer).getFunction("pay")(i11, parseUnits("4", 6)));
  await createInvoice(merchant, { payer: payer2.address, token: ZeroAddress, amount: parseEther("1"), due: 3600 });

  // I13: ETH to a merchant contract that refuses it: the release is credited, then withdrawn.
  const createData = escrow.interface.encodeFunctionData("createInvoice", [
    invoiceTerms({
      payer: payer.address,
      token: ZeroAddress,
      amount: parseEther("1"),
      dueDate: (await now()) + 90 * DAY,
      referenceHash: hashOf("i13"),
    }),
  ]);
  await send(receiver.getFunction("act")(PaymentEscrow.address, createData));
  const i13 = ++lastInvoice;
  await send(receiver.getFunction("setMode")(1, ZeroAddress, "0x"));
  await send(as(escrow, payer).getFunction("payNative")(i13, { value: parseEther("1") }));
  await send(as(escrow, payer).getFunction("release")(i13, parseEther("1")));
  await send(receiver.getFunction("setMode")(0, ZeroAddress, "0x"));
  await send(receiver.getFunction("act")(PaymentEscrow.address, escrow.interface.encodeFunctionData("withdraw", [ZeroAddress])));

  // Time passes: I8 and I12 expire, I2's dispute window and I6's dispute timeout run out.
  await timeTravel(2 * 3600);
  await send(as(escrow, payer2).getFunction("reclaim")(i8));
  await timeTravel(2 * DAY);
  await send(as(escrow, merchant).getFunction("claim")(i2));
  await timeTravel(31 * DAY);
  await send(as(escrow, payer).getFunction("reclaim")(i6));

  // The fee recipient collects the fees; the fee changes; the new recipient collects the next invoice's fee.
  await send(escrow.getFunction("collectFees")(SettleToken.address));
  await send(escrow.getFunction("collectFees")(ZeroAddress));
  await send(escrow.getFunction("setFeeBps")(50));
  await send(escrow.getFunction("setFeeRecipient")(collector.address));
  const i14 = await createInvoice(merchant, { payer: payer2.address, token: SettleToken.address, amount: parseEther("30") });
  await send(as(setl, payer2).getFunction("approve")(PaymentEscrow.address, parseEther("30")));
  await send(as(escrow, payer2).getFunction("pay")(i14, parseEther("30")));
  await send(as(escrow, payer2).getFunction("release")(i14, parseEther("30")));

  // I15: TUSD paid by a relayed payment: payer2 signs, the outsider submits and pays the gas; payer2 then cancels
  // another relay nonce.
  const i15 = await createInvoice(merchant, { payer: payer2.address, token: tusdAddress, amount: parseUnits("25", 6) });
  await send(as(tusd, payer2).getFunction("approve")(PaymentEscrow.address, parseUnits("25", 6)));
  const relayed = { id: i15, amount: parseUnits("25", 6), payer: payer2.address, nonce: 1n, deadline: BigInt((await now()) + DAY) };
  const relaySignature = await payer2.signTypedData(
    relayDomain(BigInt(deployment.chainId), PaymentEscrow.address),
    RELAYED_PAYMENT_TYPES,
    relayed,
  );
  const allowancePull = { kind: TOKEN_PULL.Allowance, v: 0, r: ZeroHash, s: ZeroHash };
  await send(as(escrow, outsider).getFunction("payRelayed")(relayed, relaySignature, allowancePull));
  await send(as(escrow, payer2).getFunction("cancelRelayNonce")(2n));
  await send(as(escrow, collector).getFunction("collectFees")(SettleToken.address));

  // Tokens sent to the escrow directly are surplus: the sweeper sends exactly them away. The allowlist changes.
  await send(tusd.getFunction("mint")(PaymentEscrow.address, parseUnits("3", 6)));
  await send(escrow.getFunction("sweep")(tusdAddress, collector.address));
  await send(escrow.getFunction("setTokenAllowed")(tusdAddress, true));
  await send(escrow.getFunction("setAllowlistEnabled")(true));
  await send(escrow.getFunction("setAllowlistEnabled")(false));

  // Invoices priced in a currency, converted by the deploy's local feeds: I16, 12.50 EUR in TestUSD only, paid with a
  // ceiling above the quote and released; I17, 30.00 USD in any token, paid in ETH with a ceiling (the rest goes back).
  const testUsd = new Contract(deployment.tokens!.TestUSD!.address, testTokenArtifact.abi, payer);
  const i16 = await createInvoice(merchant, { payer: payer.address, token: await testUsd.getAddress(), amount: 1250n, currency: "EUR" });
  await send(testUsd.getFunction("approve")(PaymentEscrow.address, parseUnits("14", 6)));
  await send(as(escrow, payer).getFunction("payPriced")(i16, await testUsd.getAddress(), parseUnits("14", 6)));
  const converted = (await escrow.getFunction("getInvoice")(i16)).amount as bigint;
  await send(as(escrow, payer).getFunction("release")(i16, converted));
  const i17 = await createInvoice(merchant, { token: ZeroAddress, amount: 3000n, currency: "USD" });
  await send(as(escrow, payer2).getFunction("payPriced")(i17, ZeroAddress, parseEther("0.02"), { value: parseEther("0.02") }));

  // The reward period is over: a new duration, a new period, one more claim.
  await send(staking.getFunction("setRewardsDuration")(14 * DAY));
  await send(setl.getFunction("approve")(StakingRewards.address, parseEther("500")));
  await send(staking.getFunction("notifyRewardAmount")(parseEther("500")));
  await send(as(staking, outsider).getFunction("claim")());

  const accounts = [admin, merchant, payer, payer2, arbiter, outsider, collector].map((signer) => signer.address);
  return { accounts: [...accounts, receiverAddress], tokens: [tusdAddress, await testUsd.getAddress()] };
}
