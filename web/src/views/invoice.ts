import { pageHeader, type View } from "./view";

/** Invoice. */
export const invoiceView: View = (root) => {
  root.append(pageHeader("Invoice"));
};
