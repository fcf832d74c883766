/** The page's French strings for a node or an index that does not answer for now: the same keys as en/rpc.ts. */
import type { Messages } from "../en";

/** French strings of the `rpc` part of the catalogue. */
export const rpc: Messages["rpc"] = {
  nodeTitle: "Le nœud de la blockchain ne répond pas",
  indexTitle: "L'index rattrape la chaîne",
  retryingIn: "Nouvel essai dans {seconds} s…",
  retrying: "Nouvel essai…",
  retryNow: "Réessayer maintenant",
  retry: "Réessayer",
};
