/**
 * The page's English strings, assembled from one file per screen in en/. This catalogue is the reference: every other
 * language's has the same keys (the type {@link Messages} is derived from it, and a test compares the keys). `{name}`
 * marks a value filled in with `fill`. A new part is a file in en/ (and the same in fr/, typed `Messages["<part>"]`),
 * imported and listed here.
 */
import { common, shell, account, gate, tx, errors } from "./en/shell";
import { newInvoice, validation } from "./en/new-invoice";
import { invoice, actions, activity, share, emails, dispute, verify } from "./en/invoice";
import { list, payMany } from "./en/invoices";
import { pay, payDoor } from "./en/pay";
import { home } from "./en/home";
import { profile } from "./en/profile";
import { history, transaction } from "./en/history";
import { staking } from "./en/staking";
import { priced } from "./en/priced";
import { rpc } from "./en/rpc";
import { chains } from "./en/chains";

/** English: the reference catalogue. */
export const en = {
  /** The language's own name: the switcher's tooltips and the document-language choice. */
  languageName: "English",
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

/** A catalogue's shape: {@link en}'s keys, any text. */
type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

/** Every string of the page in one language: the same keys as English. */
export type Messages = Shape<typeof en>;
