/** The page's French strings of paying: the ways to pay and the pay screen's door (assembled in ../fr.ts). */
import type { Messages } from "../en";

/** The ways to pay an invoice. */
export const pay: Messages["pay"] = {
  how: "Comment payer",
  permit: "Permit + paiement",
  permitText: "Une transaction : signez un permit du montant exact, sans autorisation qui traîne.",
  approve: "Autoriser, puis payer",
  approveText: "Deux transactions, pour les portefeuilles ou jetons sans permit.",
  gasless: "Payer sans ETH",
  gaslessText: "Signez deux fois dans votre portefeuille ; Settle soumet le paiement et paie le gaz.",
  payThis: "Payer cette facture",
  pay: "Payer",
  payAmount: "Payer {amount}",
  openPayer: "Payer fait de vous le payeur de cette facture : vous seul pourrez ensuite verser ou contester.",
  inFull: "Ouverte à tous, elle se paie en totalité en une fois : {amount}.",
  inParts: "Reste dû : {amount}. Vous pouvez payer en plusieurs fois.",
  onlyDue: "Seuls {amount} sont dus.",
  fullOnce: "Payez les {amount} en une seule fois.",
  noPermit: "{symbol} ne prend pas en charge les permits : choisissez « Autoriser, puis payer ».",
  permitTx: "Payer {amount} avec un permit",
  gaslessTx: "Payer {amount} sans ETH",
  approveTx: "Autoriser {amount} (étape 1 sur 2)",
  stepTwo: "Payer {amount} (étape 2 sur 2)",
};

/** The pay screen: finding an invoice to pay. */
export const payDoor: Messages["payDoor"] = {
  title: "Payer une facture",
  lead: "Collez le lien ou le numéro que votre commerçant vous a envoyé. Vous verrez le montant dû et si le détail est vérifié avant de payer.",
  placeholder: "https://…/#/invoice/12 ou 12",
  label: "Lien ou numéro de la facture",
  open: "Ouvrir la facture",
  bad: "Collez un lien de facture (…#/invoice/12) ou son numéro (12).",
  orSee: "Ou voyez ",
  addressed: "les factures qui vous sont adressées",
};
