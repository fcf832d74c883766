import { pageHeader, type View } from "./view";

/** New invoice. */
export const newInvoiceView: View = (root) => {
  root.append(pageHeader("New invoice"));
};
