// rewards:* — funding StakingRewards' reward periods and reading their state.
import { formatEther } from "ethers";
import { aprBps } from "../core/staking";
import { parseAmount, resolveAddress, resolveSigner } from "./lib/args";
import { requireBalance, requireRole } from "./lib/checks";
import { CliError, runCli } from "./lib/cli";
import { reportSend, sendOrSimulate } from "./lib/send";
import { loadSettle } from "./lib/settle";
import { output, readingTask, type SendArgs, sendingTask } from "./lib/task";

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
