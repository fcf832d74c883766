import { pageHeader, type View } from "./view";

/** History. */
export const historyView: View = (root) => {
  root.append(pageHeader("History"));
};
