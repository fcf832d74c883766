import { pageHeader, type View } from "./view";

/** Pay an invoice. */
export const payView: View = (root) => {
  root.append(pageHeader("Pay an invoice"));
};
