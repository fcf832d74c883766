/** The staking screen: wallet balance, staked, earned (ticking), APR; stake by permit, withdraw, claim. */
import { aprBps } from "../../../../core/staking";
import { amountInput, formatAmount, formatDuration, formatToken, parseAmount } from "../../lib/format";
import { signWalletPermit } from "../../lib/permit";
import { app } from "../../lib/state";
import { runTransaction } from "../../lib/tx";
import { askToSwitch, networkChoice } from "../../ui/chains";
import { clearFieldErrors, field, setFieldError } from "../../ui/controls";
import { h, replace } from "../../ui/dom";
import { notice } from "../../ui/feedback";
import { errorCard, gate, loadingCard, pageHeader, type View } from "../../ui/page";
import { earnedNow, readSnapshot, type StakingSnapshot } from "./snapshot";
import { fill, locale, t } from "../../i18n";

const REFRESH_MS = 4000;

/** Staking: wallet balance, staked, earned (ticking), APR; stake by permit, withdraw, claim. */
export const stakingView: View = (root) => {
  const text = t().staking;
  root.append(pageHeader(text.title, text.lead));
  // Several networks: the one shown is chosen here (`?chainId=`, else the wallet's); the wallet is asked to switch to a
  // chosen one (a wallet on a chain Settle does not serve gets the gate's "Wrong network" card instead).
  const shown = app.deployment;
  askToSwitch(app.pinnedChainId);
  const network = shown
    ? networkChoice("staking-network", shown.chainId, fill(text.networkShown, { name: shown.chainName }), (chainId) => {
        location.hash = `#/staking?chainId=${chainId}`;
      })
    : null;
  if (network) root.append(network);
  if (!gate(root, { wallet: true, chain: true, reason: text.gate })) return;
  const deployment = app.deployment!;
  const account = app.account!;
  const provider = app.connection!.provider();
  const tokenAddress = deployment.address("SettleToken");
  const read = () => readSnapshot(deployment, provider, account);

  const banner = h("div", { class: "banner-slot" });
  const stats = h("section", { class: "stats-grid", "aria-label": text.position });
  const forms = h("section", { class: "grid-2" });
  root.append(banner, stats);
  replace(stats, loadingCard(text.reading));

  let snapshot: StakingSnapshot | undefined;
  let stopped = false;
  let earnedElement: HTMLElement | undefined;

  const renderStats = (s: StakingSnapshot) => {
    const active = s.periodFinish > s.blockTime;
    const apr = aprBps(s.rewardRate, s.rateScale, s.totalStaked, active);
    replace(banner, s.paused ? notice("warning", text.paused, text.pausedText) : null);
    earnedElement = h("span", { class: "stat-value mono-num", id: "staking-earned" }, formatAmount(earnedNow(s), s.token.decimals, 6));
    replace(
      stats,
      statCard(
        text.wallet,
        h("span", { class: "stat-value", id: "staking-wallet" }, formatAmount(s.wallet, s.token.decimals)),
        s.token.symbol,
      ),
      statCard(
        text.staked,
        h("span", { class: "stat-value", id: "staking-staked" }, formatAmount(s.staked, s.token.decimals)),
        s.token.symbol,
        fill(text.pool, { amount: formatToken(s.totalStaked, s.token, 0) }),
      ),
      statCard(
        text.earned,
        earnedElement,
        s.token.symbol,
        h(
          "button",
          {
            type: "button",
            class: "btn btn-secondary btn-sm",
            id: "claim-button",
            disabled: s.staked === 0n && s.earned === 0n,
            onclick: () => void claim(),
          },
          text.claim,
        ),
        "stat-accent",
      ),
      statCard(
        text.apr,
        h(
          "span",
          { class: "stat-value", id: "staking-apr" },
          apr === undefined ? (active ? "—" : "0") : (Number(apr) / 100).toLocaleString(locale(), { maximumFractionDigits: 2 }),
        ),
        "%",
        active ? fill(text.endsIn, { duration: formatDuration(s.periodFinish - s.blockTime) }) : text.noPeriod,
      ),
    );
  };

  const stakeInput = h("input", { type: "text", inputmode: "decimal", autocomplete: "off", placeholder: "0.0", name: "stake-amount" });
  const withdrawInput = h("input", {
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    placeholder: "0.0",
    name: "withdraw-amount",
  });
  const stakeSlot = h("div", { class: "tx-slot", id: "stake-tx" });
  const withdrawSlot = h("div", { class: "tx-slot", id: "withdraw-tx" });
  const claimSlot = h("div", { class: "tx-slot", id: "claim-tx" });
  const stakeForm = h(
    "form",
    { class: "card form-card", id: "stake-form", novalidate: true },
    h("h2", null, text.stake),
    h("p", { class: "muted" }, text.stakeText),
    field({
      id: "stake-amount",
      label: text.stakeAmount,
      control: stakeInput,
      hint: " ",
      suffix: maxButton("stake-max", () => snapshot?.wallet, stakeInput),
    }),
    h("button", { type: "submit", class: "btn btn-primary btn-block", id: "stake-submit" }, text.stakeButton),
    stakeSlot,
  );
  const withdrawForm = h(
    "form",
    { class: "card form-card", id: "withdraw-form", novalidate: true },
    h("h2", null, text.withdraw),
    h("p", { class: "muted" }, text.withdrawText),
    field({
      id: "withdraw-amount",
      label: text.withdrawAmount,
      control: withdrawInput,
      hint: " ",
      suffix: maxButton("withdraw-max", () => snapshot?.staked, withdrawInput),
    }),
    h("button", { type: "submit", class: "btn btn-secondary btn-block", id: "withdraw-submit" }, text.withdraw),
    withdrawSlot,
  );
  replace(forms, stakeForm, withdrawForm);
  root.append(claimSlot, forms);

  function maxButton(id: string, value: () => bigint | undefined, input: HTMLInputElement): HTMLButtonElement {
    return h(
      "button",
      {
        type: "button",
        class: "btn btn-ghost btn-sm input-addon",
        id,
        onclick: () => {
          const v = value();
          if (v !== undefined && snapshot) input.value = amountInput(v, snapshot.token.decimals);
          input.focus();
        },
      },
      text.max,
    );
  }

  const amountFrom = (form: HTMLFormElement, input: HTMLInputElement, limit: bigint | undefined, tooMuch: string): bigint | undefined => {
    clearFieldErrors(form);
    if (!snapshot) return undefined;
    const parsed = parseAmount(input.value, snapshot.token.decimals);
    if ("error" in parsed) return void setFieldError(form, input.id, parsed.error);
    if (parsed.value === 0n) return void setFieldError(form, input.id, t().actions.moreThanZero);
    if (limit !== undefined && parsed.value > limit) return void setFieldError(form, input.id, tooMuch);
    return parsed.value;
  };

  const withButton = async (button: HTMLButtonElement, run: () => Promise<unknown>) => {
    button.disabled = true;
    try {
      await run();
    } finally {
      button.disabled = false;
    }
  };

  stakeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const s = snapshot;
    const amount = amountFrom(
      stakeForm,
      stakeInput,
      s?.wallet,
      fill(text.onlyWallet, { amount: s ? formatToken(s.wallet, s.token) : "0" }),
    );
    if (amount === undefined || !s) return;
    void withButton(stakeForm.querySelector("button[type=submit]")!, async () => {
      const result = await runTransaction({
        title: fill(text.stakeTx, { amount: formatToken(amount, s.token) }),
        slot: stakeSlot,
        withSignature: true,
        errorContext: { decimals: s.token.decimals, symbol: s.token.symbol },
        send: async (phase) => {
          const signer = await app.signer();
          const stakingAddress = deployment.address("StakingRewards");
          phase("signature");
          const permit = await signWalletPermit(signer, tokenAddress, stakingAddress, amount);
          phase("wallet");
          return deployment.contract("StakingRewards", signer).stakeWithPermit(amount, permit.deadline, permit.v, permit.r, permit.s);
        },
      });
      if (result.receipt) stakeInput.value = "";
      await refresh();
    });
  });

  withdrawForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const s = snapshot;
    const amount = amountFrom(
      withdrawForm,
      withdrawInput,
      s?.staked,
      fill(text.onlyStaked, { amount: s ? formatToken(s.staked, s.token) : "0" }),
    );
    if (amount === undefined || !s) return;
    void withButton(withdrawForm.querySelector("button[type=submit]")!, async () => {
      const result = await runTransaction({
        title: fill(text.withdrawTx, { amount: formatToken(amount, s.token) }),
        slot: withdrawSlot,
        errorContext: { decimals: s.token.decimals, symbol: s.token.symbol },
        send: async (phase) => {
          const signer = await app.signer();
          phase("wallet");
          return deployment.contract("StakingRewards", signer).withdraw(amount);
        },
      });
      if (result.receipt) withdrawInput.value = "";
      await refresh();
    });
  });

  async function claim(): Promise<void> {
    const s = snapshot;
    if (!s) return;
    const button = stats.querySelector<HTMLButtonElement>("#claim-button");
    await withButton(button ?? h("button"), async () => {
      await runTransaction({
        title: fill(text.claimTx, { amount: formatToken(earnedNow(s), s.token) }),
        slot: claimSlot,
        errorContext: { decimals: s.token.decimals, symbol: s.token.symbol },
        send: async (phase) => {
          const signer = await app.signer();
          phase("wallet");
          return deployment.contract("StakingRewards", signer).claim();
        },
      });
      await refresh();
    });
  }

  let failures = 0;
  async function refresh(): Promise<void> {
    try {
      const next = await read();
      if (stopped) return;
      snapshot = next;
      failures = 0;
      renderStats(next);
      setHint(stakeForm, stakeInput.id, fill(text.inWallet, { amount: formatToken(next.wallet, next.token) }));
      setHint(withdrawForm, withdrawInput.id, fill(text.stakedHint, { amount: formatToken(next.staked, next.token) }));
    } catch (error) {
      if (stopped) return;
      if (++failures >= 2 || !snapshot)
        replace(
          stats,
          errorCard(error, () => void refresh()),
        );
    }
  }

  void refresh();
  const poll = setInterval(() => void refresh(), REFRESH_MS);
  const tick = setInterval(() => {
    if (snapshot && earnedElement) earnedElement.textContent = formatAmount(earnedNow(snapshot), snapshot.token.decimals, 6);
  }, 200);
  return () => {
    stopped = true;
    clearInterval(poll);
    clearInterval(tick);
  };
};

function setHint(form: HTMLElement, id: string, text: string): void {
  const hint = form.querySelector(`#${id}-hint`);
  if (hint) hint.textContent = text;
}

function statCard(label: string, value: HTMLElement, unit: string, footer?: string | HTMLElement, extraClass = ""): HTMLElement {
  return h(
    "div",
    { class: `card stat ${extraClass}` },
    h("p", { class: "stat-label" }, label),
    h("p", { class: "stat-line" }, value, h("span", { class: "stat-unit" }, ` ${unit}`)),
    footer ? h("div", { class: "stat-footer" }, footer) : null,
  );
}
