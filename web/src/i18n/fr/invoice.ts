/**
 * The page's French strings of one invoice's screen: its details, actions, activity, sharing, emails, disputes and
 * document check (assembled in ../fr.ts).
 */
import type { Messages } from "../en";

/** One invoice's screen. */
export const invoice: Messages["invoice"] = {
  eyebrow: "Facture",
  title: "Facture n° {id}",
  numbered: "Facture {number}",
  gate: "Connectez votre portefeuille pour voir cette facture et la payer.",
  reading: "Lecture de la facture",
  notFound: "Il n'y a pas de facture n° {id}",
  notFoundText: "Vérifiez le numéro ou le lien que l'on vous a donné.",
  openAnother: "Ouvrir une autre facture",
  created: "Facture créée",
  createdText: "Elle est sur la chaîne et indexée. Partagez le lien ci-dessous avec votre payeur.",
  details: "Détail de la facture",
  from: "De",
  billTo: "Facturé à",
  anyone: "Toute personne ayant le lien",
  number: "Numéro",
  due: "Échéance",
  disputeWindow: "Délai de contestation",
  none: "Aucun",
  windowDays: "{days} jours après paiement",
  arbiter: "Arbitre",
  customer: "Client",
  language: "Langue",
  description: "Désignation",
  quantity: "Qté",
  unitPrice: "Prix unitaire",
  discount: "Remise",
  tax: "TVA",
  amount: "HT",
  subtotal: "Total HT",
  taxAt: "TVA {rate} %",
  total: "Total TTC",
  notes: "Notes",
  you: "vous",
  amounts: "Montants",
  amountDue: "Reste à payer",
  invoiceTotal: "Total de la facture",
  paid: "Payé",
  held: "En séquestre",
  price: "Prix",
  rate: "Taux",
  released: "Versé",
  refunded: "Remboursé",
  dueDate: "Échéance",
  progress: "{paid} % payé, {released} % versé",
  creditNotes: "Avoirs",
  creditNotesLead: "Un par remboursement au payeur, numéroté.",
  noCreditNotes: "Aucun avoir : rien n'a été rendu au payeur.",
  creditNumber: "Numéro",
  creditIssued: "Émis le",
  creditAmount: "Montant",
  creditDocument: "Document",
  draftSignIn: "Connectez-vous pour voir ce brouillon",
  draftSignInText: "Un brouillon n'est visible que du commerçant qui l'a créé.",
  waiting: "En attente de la chaîne",
  waitingText:
    "Cette facture est un brouillon : sa transaction createInvoice n'est pas encore indexée. Cette page l'ouvre dès qu'elle l'est.",
  html: "HTML",
  pdf: "PDF",
};

/** What can be done with an invoice (pay, release, refund, claim…). */
export const actions: Messages["actions"] = {
  title: "Actions",
  releaseTitle: "Verser au commerçant",
  releaseText: "Versez ce que vous avez reçu, en totalité ou en plusieurs fois (jalons). Les frais du protocole en sont déduits.",
  release: "Verser",
  releaseTx: "Verser {amount}",
  disputeTitle: "Un problème ?",
  disputeText: "Contestez avant le {date} pour bloquer les fonds jusqu'à la décision de l'arbitre.",
  dispute: "Ouvrir un litige",
  disputeTx: "Contester la facture n° {id}",
  expired: "La facture a expiré",
  arbiterLate: "L'arbitre n'a pas décidé à temps",
  reclaimText: "Reprenez les {amount} en séquestre.",
  reclaim: "Reprendre",
  reclaimTx: "Reprendre {amount}",
  reclaimLater: "Si l'arbitre n'a pas décidé le {date}, vous pourrez reprendre ce qui est en séquestre.",
  claimTitle: "Encaisser vos fonds",
  claimText: "Le délai de contestation est passé : encaissez les {amount} en séquestre (moins {fee} % de frais du protocole).",
  claim: "Encaisser",
  claimTx: "Encaisser {amount}",
  claimLater: "Le payeur peut contester jusqu'au {date} ({relative}). Vous pourrez encaisser ensuite, ou le payeur peut verser plus tôt.",
  refundTitle: "Rembourser le payeur",
  refundText: "Renvoyez au payeur tout ou partie des fonds en séquestre. Aucuns frais.",
  refund: "Rembourser",
  refundTx: "Rembourser {amount}",
  cancelTitle: "Annuler la facture",
  cancelText: "Rien n'a encore été payé. Une fois annulée, elle ne peut plus être payée.",
  cancel: "Annuler la facture",
  cancelTx: "Annuler la facture n° {id}",
  creditTitle: "Crédité à votre nom",
  creditText: "{amount} n'ont pas pu vous être envoyés directement et attendent dans l'escrow.",
  withdraw: "Retirer",
  withdrawTx: "Retirer {amount}",
  amount: "Montant ({symbol})",
  atMost: "Au plus {amount}",
  atMostSentence: "Au plus {amount}.",
  moreThanZero: "Saisissez un montant supérieur à zéro.",
  roleMerchant: "Vous avez émis cette facture",
  roleArbiter: "Vous êtes l'arbitre",
  roleOpen: "Facture ouverte : n'importe qui peut payer",
  rolePayer: "Adressée à vous",
  closed: "Cette facture est close. Il n'y a plus rien à faire.",
  waitingPayer: "En attente du payeur. Partagez le lien ci-dessous.",
  reviewing: "L'arbitre examine le litige.",
  noRole: "Votre compte n'a aucun rôle sur cette facture.",
  nothing: "Rien à faire pour l'instant.",
};

/** An invoice's activity list. */
export const activity: Messages["activity"] = {
  title: "Activité",
  none: "Aucune activité indexée pour l'instant.",
  signIn: "Créée sur la chaîne. Connectez-vous pour voir toute l'activité.",
  transaction: "transaction",
  you: "vous",
  merchant: "commerçant",
  payer: "payeur",
  arbiter: "arbitre",
};

/** Share links of an invoice. */
export const share: Messages["share"] = {
  title: "Partager",
  merchantText: "Envoyez ce lien au payeur. Il l'ouvre, connecte son portefeuille et paie.",
  text: "Le lien de cette facture, et son document imprimable.",
  link: "Lien de la facture",
  copy: "Copier le lien",
  view: "Voir",
  pdf: "PDF",
  formats: { facturx: "Factur-X", ubl: "UBL", cii: "CII" },
  einvoiceHint:
    "Factures électroniques à la norme européenne EN 16931 pour les logiciels comptables et les plateformes de dématérialisation : Factur-X est le PDF qui contient les données de la facture, UBL et CII sont les données seules. Pour les factures en monnaie ou en stablecoin déclaré.",
};

/** Sending an invoice by email. */
export const emails: Messages["emails"] = {
  title: "E-mails",
};

/** Opening and resolving a dispute. */
export const dispute: Messages["dispute"] = {
  resolve: "Trancher le litige",
  resolveText:
    "Répartissez les {amount} en séquestre entre le commerçant et le payeur. Les frais du protocole sont pris sur la part du commerçant.",
  toMerchant: "Au commerçant ({symbol})",
  toPayer: "Au payeur : ",
  atMostHeld: "Au plus les {amount} en séquestre.",
  resolveTx: "Trancher : {merchant} au commerçant, {payer} au payeur",
  settle: "Transiger entre vous",
  accept: "Accepter cette transaction",
  acceptTx: "Accepter la transaction",
  proposedByPayer: "Le payeur propose {merchant} au commerçant et {payer} au payeur.",
  proposedByMerchant: "Le commerçant propose {merchant} au commerçant et {payer} au payeur.",
  youProposed: "Vous avez proposé {merchant} au commerçant. En attente de l'accord de l'autre partie.",
  proposeAnother: "Proposer une autre répartition",
  propose: "Proposer une répartition",
  proposeText: "Quelle part des fonds en séquestre doit aller au commerçant ? Le reste va au payeur.",
  proposeButton: "Proposer",
  proposeTx: "Proposer {merchant} au commerçant",
};

/** The check of an invoice's details against the chain. */
export const verify: Messages["verify"] = {
  signIn: "Connectez-vous pour voir les lignes",
  signInText:
    "Le serveur montre le détail d'une facture à son commerçant, son payeur et son arbitre. Les montants ici viennent de la chaîne.",
  unavailable: "Détail indisponible",
  none: "Pas de détail sur ce serveur",
  noneText: "La chaîne ne contient que la référence {reference}.",
  ok: "Vérifiée",
  okText: "Ces lignes correspondent à l'empreinte enregistrée sur la chaîne ({reference}), et le total de {total} concorde.",
  bad: "Ce détail ne correspond pas à la chaîne",
  badText: "Les lignes affichées ici ne sont pas celles que le commerçant a engagées sur la chaîne. Ne vous y fiez pas.",
};
