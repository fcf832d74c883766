import { pageHeader, type View } from "./view";

/** Invoices. */
export const invoicesView: View = (root) => {
  root.append(pageHeader("Invoices"));
};
