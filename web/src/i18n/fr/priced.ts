/** The page's French strings for invoices priced in a currency: the same keys as en/priced.ts. */
import type { Messages } from "../en";

/** French strings of the `priced` part of the catalogue. */
export const priced: Messages["priced"] = {
  pricedIn: "Prix en",
  inToken: "Le jeton lui-même",
  pricedHint: "Le payeur règle le total converti au cours du moment du paiement, dans le jeton ci-dessous.",
  anyToken: "Au choix : {tokens}",
  noCurrencies: "Ce serveur n'a pas de flux de prix : les factures sont libellées dans leur jeton.",
  title: "Payer {price}",
  lead: "Prix en {currency} : vous en payez la valeur dans un jeton au cours actuel.",
  payWith: "Payer en",
  quote: "Au cours actuel : {amount} (1 {symbol} = {rate} {currency})",
  quoting: "Demande du cours actuel…",
  slippage: "Écart de cours accepté (%)",
  slippageHint:
    "Vous payez au plus {max} : si le cours bouge davantage avant votre paiement, il est refusé et rien ne quitte votre portefeuille.",
  badSlippage: "Indiquez un pourcentage de 0 à {max}.",
  approveTx: "Autoriser jusqu'à {amount} (étape 1 sur 2)",
  payTx: "Payer {price} en {symbol}",
  payStepTx: "Payer {price} en {symbol} (étape 2 sur 2)",
  tokenPaid: "Payé en jeton",
};
