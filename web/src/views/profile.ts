import { pageHeader, type View } from "./view";

/** Profile. */
export const profileView: View = (root) => {
  root.append(pageHeader("Profile"));
};
