// staking:* — staking SETL in StakingRewards, withdrawing it and claiming rewards.
import { formatEther } from "ethers";
import { signPermit } from "../scripts/lib/permit";
import { parseAmount, resolveSigner } from "./lib/args";
import { requireBalance } from "./lib/checks";
import { CliError, runCli } from "./lib/cli";
import { reportSend, sendOrSimulate } from "./lib/send";
import { loadSettle } from "./lib/settle";
import { output, type SendArgs, sendingTask } from "./lib/task";

/** Seconds a permit signed by a task stays valid. */
const PERMIT_VALIDITY = 3600n;

sendingTask("staking:stake", "Stakes SETL in StakingRewards (one transaction with a permit when no allowance is set)")
  .addParam("amount", "SETL to stake, e.g. 100")
  .addFlag("approve", "send a separate approve instead of signing a permit")
  .setAction(async (args: SendArgs & { amount: string; approve: boolean }, hre) =>
    runCli(async () => {
      const signer = await resolveSigner(hre, args.from);
      const amount = parseAmount(args.amount, 18);
      const { token, staking } = await loadSettle(hre, signer);
      if (await staking.paused()) throw new CliError("staking is paused: withdraw and claim still work, stake later");
      await requireBalance(token, signer.address, amount);
      const stakingAddress = await staking.getAddress();
      const allowance = await token.allowance(signer.address, stakingAddress);
      let outcome;
      if (allowance >= amount) {
        outcome = await sendOrSimulate(hre, staking, "stake", [amount], args);
      } else if (args.approve) {
        if (args.dryRun)
          throw new CliError(
            `dry run: the allowance is ${formatEther(allowance)} SETL, so an approve must be sent first; drop --approve to simulate with a permit`,
          );
        reportSend("approved StakingRewards", await sendOrSimulate(hre, token, "approve", [stakingAddress, amount], args), args.json);
        outcome = await sendOrSimulate(hre, staking, "stake", [amount], args);
      } else {
        const block = await hre.ethers.provider.getBlock("latest");
        const p = await signPermit(token, signer, stakingAddress, amount, BigInt(block!.timestamp) + PERMIT_VALIDITY);
        outcome = await sendOrSimulate(hre, staking, "stakeWithPermit", [p.value, p.deadline, p.v, p.r, p.s], args);
      }
      reportSend(`staked ${args.amount} SETL from ${signer.address}`, outcome, args.json);
      if (args.json) output(true, "", { account: signer.address, amount, ...outcome });
    }),
  );

sendingTask("staking:unstake", "Withdraws staked SETL (works even while staking is paused)")
  .addOptionalParam("amount", "SETL to withdraw, e.g. 50")
  .addFlag("all", "withdraw the whole stake and claim the rewards (exit)")
  .setAction(async (args: SendArgs & { amount?: string; all: boolean }, hre) =>
    runCli(async () => {
      if (!args.all && !args.amount) throw new CliError("say how much: --amount 50, or --all for the whole stake");
      const signer = await resolveSigner(hre, args.from);
      const { staking } = await loadSettle(hre, signer);
      const staked = await staking.balanceOf(signer.address);
      if (staked === 0n) throw new CliError(`${signer.address} has nothing staked`);
      const amount = args.all ? staked : parseAmount(args.amount!, 18);
      if (amount > staked) {
        throw new CliError(`${signer.address} has only ${formatEther(staked)} SETL staked (short by ${formatEther(amount - staked)})`);
      }
      const outcome = args.all
        ? await sendOrSimulate(hre, staking, "exit", [], args)
        : await sendOrSimulate(hre, staking, "withdraw", [amount], args);
      reportSend(`withdrew ${formatEther(amount)} SETL${args.all ? " and claimed the rewards" : ""}`, outcome, args.json);
      if (args.json) output(true, "", { account: signer.address, amount, ...outcome });
    }),
  );

sendingTask("staking:claim", "Claims the staking rewards earned so far").setAction(async (args: SendArgs, hre) =>
  runCli(async () => {
    const signer = await resolveSigner(hre, args.from);
    const { staking } = await loadSettle(hre, signer);
    const earned = await staking.earned(signer.address);
    if (earned === 0n) {
      output(args.json, `${signer.address} has no rewards to claim yet`, { account: signer.address, reward: 0n });
      return;
    }
    const outcome = await sendOrSimulate(hre, staking, "claim", [], args);
    reportSend(`claimed about ${formatEther(earned)} SETL`, outcome, args.json);
    if (args.json) output(true, "", { account: signer.address, reward: earned, ...outcome });
  }),
);
