import { formatEther } from "ethers";
import { aprBps } from "../core/staking";
import { signPermit } from "../scripts/lib/permit";
import { parseAmount, resolveAddress, resolveSigner } from "./lib/args";
import { requireBalance, requireRole } from "./lib/checks";
import { CliError, runCli } from "./lib/cli";
import { reportSend, sendOrSimulate } from "./lib/send";
import { loadSettle } from "./lib/settle";
import { output, readingTask, sendingTask } from "./lib/task";

interface SendArgs {
  from?: string;
  dryRun: boolean;
  json: boolean;
}

/** Seconds a permit signed by a task stays valid. */
const PERMIT_VALIDITY = 3600n;

sendingTask("stake", "Stakes SETL in StakingRewards (one transaction with a permit when no allowance is set)")
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

sendingTask("unstake", "Withdraws staked SETL (works even while staking is paused)")
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

sendingTask("claim", "Claims the staking rewards earned so far").setAction(async (args: SendArgs, hre) =>
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

sendingTask("rewards:fund", "Funds a new reward period (needs REWARDS_DISTRIBUTOR_ROLE); leftovers roll into it")
  .addParam("amount", "SETL to add as rewards, e.g. 1000")
  .setAction(async (args: SendArgs & { amount: string }, hre) =>
    runCli(async () => {
      const signer = await resolveSigner(hre, args.from);
      const amount = parseAmount(args.amount, 18);
      const { token, staking } = await loadSettle(hre, signer);
      await requireRole(staking, await staking.REWARDS_DISTRIBUTOR_ROLE(), "REWARDS_DISTRIBUTOR_ROLE", "StakingRewards", signer.address);
      await requireBalance(token, signer.address, amount);
      const stakingAddress = await staking.getAddress();
      if ((await token.allowance(signer.address, stakingAddress)) < amount) {
        if (args.dryRun)
          throw new CliError(
            `dry run: an approve of ${args.amount} SETL to StakingRewards must be sent first, so the funding cannot be simulated`,
          );
        reportSend("approved StakingRewards", await sendOrSimulate(hre, token, "approve", [stakingAddress, amount], args), args.json);
      }
      const outcome = await sendOrSimulate(hre, staking, "notifyRewardAmount", [amount], args);
      reportSend(`funded a ${Number(await staking.rewardsDuration()) / 86400}-day period with ${args.amount} SETL`, outcome, args.json);
      if (args.json) output(true, "", { amount, ...outcome });
    }),
  );

readingTask("rewards:status", "Shows the reward period, the pool and an account's position")
  .addOptionalParam("account", "address or account index (default 0)")
  .setAction(async ({ account, json }: { account?: string; json: boolean }, hre) =>
    runCli(async () => {
      const address = await resolveAddress(hre, account ?? "0");
      const { staking } = await loadSettle(hre);
      const [rate, scale, finish, totalStaked, carried, staked, earned, duration] = await Promise.all([
        staking.rewardRate(),
        staking.RATE_SCALE(),
        staking.periodFinish(),
        staking.totalStaked(),
        staking.carriedRewards(),
        staking.balanceOf(address),
        staking.earned(address),
        staking.rewardsDuration(),
      ]);
      const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
      const running = now < finish;
      const perDay = running ? (rate * 86400n) / scale : 0n;
      const aprPercent = Number(aprBps(rate, scale, totalStaked, running) ?? 0n) / 100;
      const ends = new Date(Number(finish) * 1000).toISOString();
      output(
        json,
        [
          `period     ${running ? `running, ends ${ends}` : finish === 0n ? "never funded" : `ended ${ends}`} (${Number(duration) / 86400}-day periods)`,
          `rewards    ${formatEther(perDay)} SETL/day, carried to next period ${formatEther(carried / scale)} SETL`,
          `pool       ${formatEther(totalStaked)} SETL staked, APR ${aprPercent}%`,
          `${address}  staked ${formatEther(staked)} SETL, earned ${formatEther(earned)} SETL`,
        ].join("\n"),
        {
          running,
          periodFinish: finish,
          rewardRatePerDay: perDay,
          totalStaked,
          carried: carried / scale,
          aprPercent,
          account: address,
          staked,
          earned,
        },
      );
    }),
  );
