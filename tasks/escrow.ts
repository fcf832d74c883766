// escrow:* — the escrow's money side for its operators: fees, surplus and the token allowlist.
import { formatUnits } from "ethers";
import { isZeroAddress } from "../core/address";
import { formatBpsPercent } from "../core/staking";
import { resolveAddress, resolveSigner } from "./lib/args";
import { requireRole } from "./lib/checks";
import { CliError, runCli } from "./lib/cli";
import { reportSend, sendOrSimulate } from "./lib/send";
import { loadSettle, resolveToken, tokenUnits } from "./lib/settle";
import { output, readingTask, type SendArgs, sendingTask } from "./lib/task";

readingTask("escrow:status", "Shows the fee, the allowlist, and what the escrow owes, has accrued in fees and holds above both in a token")
  .addOptionalParam("token", "SETL, ETH or an ERC-20 address", "SETL")
  .setAction(async (args: { token: string; json: boolean }, hre) =>
    runCli(async () => {
      const settle = await loadSettle(hre);
      const token = await resolveToken(hre, settle, args.token);
      const { symbol, decimals } = await tokenUnits(hre, token);
      const { escrow } = settle;
      const [feeBps, recipient, allowlist, allowed, owed, fees, surplus] = await Promise.all([
        escrow.feeBps(),
        escrow.feeRecipient(),
        escrow.allowlistEnabled(),
        escrow.isTokenAllowed(token),
        escrow.totalOwed(token),
        escrow.feesAccrued(token),
        escrow.surplus(token),
      ]);
      const amount = (value: bigint) => `${formatUnits(value, decimals)} ${symbol}`;
      output(
        args.json,
        [
          `fee        ${formatBpsPercent(BigInt(feeBps))}% for new invoices, collected by ${recipient}`,
          `allowlist  ${allowlist ? "on" : "off"}; ${symbol} ${isZeroAddress(token) || allowed ? "is" : "is not"} on it`,
          `owed       ${amount(owed)} (held for invoices, credits and fees)`,
          `fees       ${amount(fees)} accrued, not yet collected`,
          `surplus    ${amount(surplus)} (sent to the escrow directly; a sweeper can send it away)`,
        ].join("\n"),
        { token, feeBps, feeRecipient: recipient, allowlistEnabled: allowlist, allowed, owed, feesAccrued: fees, surplus },
      );
    }),
  );

sendingTask("escrow:collect-fees", "The fee recipient takes the fees accrued in a token")
  .addOptionalParam("token", "SETL, ETH or an ERC-20 address", "SETL")
  .setAction(async (args: SendArgs & { token: string }, hre) =>
    runCli(async () => {
      const signer = await resolveSigner(hre, args.from);
      const settle = await loadSettle(hre, signer);
      const token = await resolveToken(hre, settle, args.token);
      const recipient = await settle.escrow.feeRecipient();
      if (recipient.toLowerCase() !== signer.address.toLowerCase())
        throw new CliError(`only the fee recipient ${recipient} can collect fees (you are ${signer.address})`);
      const fees = await settle.escrow.feesAccrued(token);
      const { symbol, decimals } = await tokenUnits(hre, token);
      if (fees === 0n) throw new CliError(`no ${symbol} fees have accrued since they were last collected`);
      const outcome = await sendOrSimulate(hre, settle.escrow, "collectFees", [token], args);
      reportSend(`collected ${formatUnits(fees, decimals)} ${symbol} of fees`, outcome, args.json);
      if (args.json) output(true, "", { token, amount: fees, ...outcome });
    }),
  );

sendingTask(
  "escrow:sweep",
  "Sends the escrow's surplus in a token (what it holds above what it owes and its fees) away (needs SWEEPER_ROLE)",
)
  .addOptionalParam("token", "SETL, ETH or an ERC-20 address", "SETL")
  .addParam("to", "who receives the surplus (address or account index)")
  .setAction(async (args: SendArgs & { token: string; to: string }, hre) =>
    runCli(async () => {
      const signer = await resolveSigner(hre, args.from);
      const settle = await loadSettle(hre, signer);
      const token = await resolveToken(hre, settle, args.token);
      const to = await resolveAddress(hre, args.to, "--to");
      await requireRole(settle.escrow, await settle.escrow.SWEEPER_ROLE(), "SWEEPER_ROLE", "PaymentEscrow", signer.address);
      const surplus = await settle.escrow.surplus(token);
      const { symbol, decimals } = await tokenUnits(hre, token);
      if (surplus === 0n) throw new CliError(`the escrow holds no ${symbol} above what it owes: nothing to sweep`);
      const outcome = await sendOrSimulate(hre, settle.escrow, "sweep", [token, to], args);
      reportSend(`swept ${formatUnits(surplus, decimals)} ${symbol} to ${to}`, outcome, args.json);
      if (args.json) output(true, "", { token, to, amount: surplus, ...outcome });
    }),
  );

sendingTask("escrow:allow-token", "Adds a token to the escrow's allowlist, or removes it (needs TOKEN_MANAGER_ROLE)")
  .addParam("token", "an ERC-20 address")
  .addFlag("remove", "take the token off the list (existing invoices in it are not affected)")
  .setAction(async (args: SendArgs & { token: string; remove: boolean }, hre) =>
    runCli(async () => {
      const signer = await resolveSigner(hre, args.from);
      const settle = await loadSettle(hre, signer);
      const token = await resolveToken(hre, settle, args.token);
      if (isZeroAddress(token)) throw new CliError("ETH needs no allowlist entry: every escrow accepts it");
      await requireRole(settle.escrow, await settle.escrow.TOKEN_MANAGER_ROLE(), "TOKEN_MANAGER_ROLE", "PaymentEscrow", signer.address);
      const outcome = await sendOrSimulate(hre, settle.escrow, "setTokenAllowed", [token, !args.remove], args);
      reportSend(`${args.remove ? "removed" : "allowed"} ${token} ${args.remove ? "from" : "on"} the allowlist`, outcome, args.json);
      if (args.json) output(true, "", { token, allowed: !args.remove, ...outcome });
    }),
  );

sendingTask("escrow:allowlist", "Turns the token allowlist on or off for new invoices (needs TOKEN_MANAGER_ROLE)")
  .addParam("state", "on or off")
  .setAction(async (args: SendArgs & { state: string }, hre) =>
    runCli(async () => {
      if (args.state !== "on" && args.state !== "off") throw new CliError(`bad --state "${args.state}": use on or off`);
      const signer = await resolveSigner(hre, args.from);
      const settle = await loadSettle(hre, signer);
      await requireRole(settle.escrow, await settle.escrow.TOKEN_MANAGER_ROLE(), "TOKEN_MANAGER_ROLE", "PaymentEscrow", signer.address);
      const outcome = await sendOrSimulate(hre, settle.escrow, "setAllowlistEnabled", [args.state === "on"], args);
      reportSend(`turned the allowlist ${args.state}`, outcome, args.json);
      if (args.json) output(true, "", { allowlistEnabled: args.state === "on", ...outcome });
    }),
  );
