/**
 * The page's French strings, assembled from one file per screen in fr/: the same keys as en.ts (type-checked, and
 * compared by a test).
 */
import type { Messages } from "./en";
import { common, shell, account, gate, tx, errors } from "./fr/shell";
import { newInvoice, validation } from "./fr/new-invoice";
import { invoice, actions, activity, share, emails, dispute, verify } from "./fr/invoice";
import { list, payMany } from "./fr/invoices";
import { pay, payDoor } from "./fr/pay";
import { home } from "./fr/home";
import { profile } from "./fr/profile";
import { history, transaction } from "./fr/history";
import { staking } from "./fr/staking";
import { priced } from "./fr/priced";
import { rpc } from "./fr/rpc";
import { chains } from "./fr/chains";

/** French: each part typed against the English one, so a missing or extra key does not compile. */
export const fr: Messages = {
  languageName: "Français",
  common,
  shell,
  account,
  gate,
  newInvoice,
  validation,
  invoice,
  actions,
  activity,
  share,
  tx,
  list,
  payMany,
  emails,
  errors,
  priced,
  pay,
  dispute,
  home,
  payDoor,
  profile,
  history,
  transaction,
  staking,
  verify,
  rpc,
  chains,
};
