import { formatEther } from "ethers";
import { parseAmount, resolveAddress, resolveSigner } from "./lib/args";
import { requireBalance, requireRole } from "./lib/checks";
import { runCli } from "./lib/cli";
import { reportSend, sendOrSimulate } from "./lib/send";
import { loadSettle } from "./lib/settle";
import { output, readingTask, sendingTask } from "./lib/task";

interface SendArgs {
  from?: string;
  dryRun: boolean;
  json: boolean;
}

readingTask("token:balance", "Shows an account's SETL: in the wallet, staked, and earned")
  .addOptionalParam("account", "address or account index (default 0)")
  .setAction(async ({ account, json }: { account?: string; json: boolean }, hre) =>
    runCli(async () => {
      const address = await resolveAddress(hre, account ?? "0");
      const { token, staking } = await loadSettle(hre);
      const [balance, staked, earned] = await Promise.all([token.balanceOf(address), staking.balanceOf(address), staking.earned(address)]);
      output(
        json,
        `${address}\n  wallet  ${formatEther(balance)} SETL\n  staked  ${formatEther(staked)} SETL\n  earned  ${formatEther(earned)} SETL`,
        { account: address, balance, staked, earned },
      );
    }),
  );

sendingTask("token:transfer", "Sends SETL to an address")
  .addParam("to", "recipient: address or account index")
  .addParam("amount", "SETL to send, e.g. 12.5")
  .setAction(async (args: SendArgs & { to: string; amount: string }, hre) =>
    runCli(async () => {
      const signer = await resolveSigner(hre, args.from);
      const to = await resolveAddress(hre, args.to, "--to");
      const amount = parseAmount(args.amount, 18);
      const { token } = await loadSettle(hre, signer);
      await requireBalance(token, signer.address, amount);
      const outcome = await sendOrSimulate(hre, token, "transfer", [to, amount], args);
      reportSend(`sent ${args.amount} SETL from ${signer.address} to ${to}`, outcome, args.json);
      if (args.json) output(true, "", { from: signer.address, to, amount, ...outcome });
    }),
  );

sendingTask("token:mint", "Mints new SETL (needs MINTER_ROLE; the supply cap applies)")
  .addParam("to", "recipient: address or account index")
  .addParam("amount", "SETL to mint, e.g. 1000")
  .setAction(async (args: SendArgs & { to: string; amount: string }, hre) =>
    runCli(async () => {
      const signer = await resolveSigner(hre, args.from);
      const to = await resolveAddress(hre, args.to, "--to");
      const amount = parseAmount(args.amount, 18);
      const { token } = await loadSettle(hre, signer);
      await requireRole(token, await token.MINTER_ROLE(), "MINTER_ROLE", "SettleToken", signer.address);
      const room = (await token.cap()) - (await token.totalSupply());
      if (amount > room)
        throw new Error(`minting ${args.amount} SETL would pass the cap: only ${formatEther(room)} SETL can still be minted`);
      const outcome = await sendOrSimulate(hre, token, "mint", [to, amount], args);
      reportSend(`minted ${args.amount} SETL to ${to}`, outcome, args.json);
      if (args.json) output(true, "", { to, amount, ...outcome });
    }),
  );
