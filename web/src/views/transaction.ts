import { pageHeader, type View } from "./view";

/** Transaction. */
export const transactionView: View = (root) => {
  root.append(pageHeader("Transaction"));
};
