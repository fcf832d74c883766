/** The page's French strings of the home screen (assembled in ../fr.ts). */
import type { Messages } from "../en";

/** The home screen. */
export const home: Messages["home"] = {
  eyebrow: "Des paiements avec un séquestre vérifiable",
  title: "Soyez payé sur la chaîne, avec le détail que l'on attend.",
  lead: "Émettez des factures détaillées, soyez payé en ETH ou en jetons dans un séquestre, versez les fonds en plusieurs fois, réglez les litiges avec un arbitre, et stakez des SETL pour des récompenses.",
  newInvoice: "Nouvelle facture",
  payInvoice: "Payer une facture",
  connect: "Connecter le portefeuille",
  features: "Ce que vous pouvez faire",
  invoices: "Factures",
  invoicesText: "Lignes, échéance, délai de contestation et arbitre. L'empreinte du détail est sur la chaîne : le payeur peut le vérifier.",
  pay: "Payer",
  payText:
    "Payez en ETH, par autorisation + paiement, ou avec une seule signature permit. Versez en plusieurs fois, contestez, reprenez après expiration.",
  staking: "Staking",
  stakingText: "Stakez des SETL en une transaction permit et regardez vos récompenses croître chaque seconde.",
  history: "Historique",
  historyText: "Chaque paiement, versement et récompense de votre compte, filtrés, paginés et exportables en CSV.",
  open: "Ouvrir",
};
