/**
 * The page's French strings of the page's frame and what every screen shares: the header, sign-in, transactions and
 * their errors (assembled in ../fr.ts).
 */
import type { Messages } from "../en";

/** Words used all over the page. */
export const common: Messages["common"] = {
  optional: "(facultatif)",
  copy: "Copier",
  copied: "Copié",
  copiedAnnounce: "Copié dans le presse-papiers",
  inAMoment: "dans un instant",
  justNow: "à l'instant",
};

/** The header, navigation, footer and language switcher. */
export const shell: Messages["shell"] = {
  skip: "Aller au contenu",
  home: "Accueil Settle",
  navLabel: "Principale",
  nav: { invoices: "Factures", pay: "Payer", staking: "Staking", history: "Historique", profile: "Profil" },
  footer: "Settle est libre et auto-hébergé. La chaîne fait foi ; cette page ne fait que demander à votre portefeuille de signer.",
  language: "Langue",
  notFound: "Page introuvable",
  notFoundText: "Il n'y a rien à cette adresse.",
  goHome: "Retour à l'accueil",
};

/** The account bar: wallet, network and sign-in. */
export const account: Messages["account"] = {
  connect: "Connecter le portefeuille",
  wrongNetwork: "Mauvais réseau",
  switching: "Changement…",
  signIn: "Se connecter",
  checkWallet: "Voyez votre portefeuille…",
  signedIn: "Connecté",
  signedInAs: "Connecté en tant que",
  connectedAs: "Portefeuille",
  copyAddress: "Copier l'adresse",
  signOut: "Se déconnecter",
  signingOut: "Déconnexion…",
  profile: "Profil",
  disconnect: "Déconnecter le portefeuille",
  chain: "Chaîne {id}",
  chooseWallet: "Choisissez un portefeuille",
  otherAccount: "La session était celle d'un autre compte : reconnectez-vous.",
  noWallet: "Aucun portefeuille dans ce navigateur. Installez MetaMask (ou un autre portefeuille Ethereum) et rechargez la page.",
  switched: "Vous avez changé de compte dans votre portefeuille : vous avez été déconnecté. Reconnectez-vous avec ce compte.",
  sessionEnded: "Votre session a pris fin. Reconnectez-vous pour continuer.",
};

/** What a screen shows before the reader is signed in. */
export const gate: Messages["gate"] = {
  unavailable: "Settle n'est pas disponible",
  noAddresses: "Les adresses des contrats n'ont pas pu être chargées.",
  tryAgain: "Réessayer",
  connectTitle: "Connectez votre portefeuille",
  connectText: "Connectez un portefeuille Ethereum comme MetaMask pour continuer.",
  connect: "Connecter le portefeuille",
  waitingWallet: "En attente de votre portefeuille…",
  wrongNetwork: "Mauvais réseau",
  wrongNetworkText: "Votre portefeuille est sur la chaîne {chain}. Settle fonctionne sur {name} (chaîne {id}).",
  switchNetwork: "Changer de réseau",
  noApi: "La connexion n'est pas disponible",
  noApiText: "Ce serveur ne fait pas tourner l'API Settle : factures, historique et profils n'y sont pas disponibles.",
  signInTitle: "Se connecter avec Ethereum",
  signInText:
    "Signez un message dans votre portefeuille pour prouver que ce compte est le vôtre. Cela ne coûte rien et n'envoie aucune transaction.",
  signIn: "Se connecter",
  waitingSignature: "En attente de votre signature…",
  loading: "Chargement",
};

/** A transaction's progress, from signing to confirmation. */
export const tx: Messages["tx"] = {
  phases: { signature: "Signature", wallet: "Portefeuille", pending: "En attente", confirmed: "Confirmée", indexed: "Indexée" },
  sentences: {
    signature: "En attente de votre signature dans le portefeuille…",
    wallet: "En attente de votre confirmation dans le portefeuille…",
    pending: "Envoyée. En attente d'inclusion dans un bloc…",
    confirmed: "Confirmée sur la chaîne. En attente de l'indexeur…",
    indexed: "Terminé : confirmée et indexée.",
    failed: "Échec.",
  },
  dropped: "La transaction a été abandonnée.",
  reverted: "Annulée",
  revertedText: "La transaction a été incluse mais annulée : rien n'a changé.",
  confirmedOnly: "Confirmée sur la chaîne.",
  apiUnreachable: "Confirmée. L'API Settle est injoignable : l'indexation ne peut pas être vérifiée.",
  indexLate: "Confirmée. L'indexeur n'a pas encore rattrapé la chaîne ; elle apparaîtra sous peu.",
  dismiss: "Fermer {title}",
  progress: "Progression",
};

/** What went wrong, said for a reader. */
export const errors: Messages["errors"] = {
  wrongNetwork: "Mauvais réseau",
  wrongNetworkText: "Votre portefeuille est sur la chaîne {chain}. Passez sur {name} (chaîne {id}) pour continuer.",
  apiUnreachable: "API Settle injoignable",
  signedOut: "Déconnecté",
  serverRefused: "Le serveur a refusé",
  rejected: "Refusé dans votre portefeuille",
  rejectedText: "Vous avez refusé la demande dans votre portefeuille. Rien n'a été envoyé.",
  unknownNetwork: "Réseau inconnu",
  unknownNetworkText: "Votre portefeuille ne connaît pas encore ce réseau. Ajoutez-le quand il vous le propose.",
  busy: "Portefeuille occupé",
  busyText: "Votre portefeuille a déjà une demande en attente. Ouvrez-le pour continuer.",
  unauthorised: "Non autorisé",
  unauthorisedText: "Votre portefeuille n'a pas autorisé ce site. Reconnectez-vous.",
  unsupported: "Non pris en charge",
  unsupportedText: "Votre portefeuille ne prend pas en charge cette demande.",
  disconnected: "Portefeuille déconnecté",
  disconnectedText: "Votre portefeuille n'est pas connecté au réseau.",
  noEth: "Pas assez d'ETH",
  noEthText: "Votre compte n'a pas assez d'ETH pour payer cette transaction et ses frais de réseau.",
  networkChanged: "Réseau changé",
  networkChangedText: "Votre portefeuille a changé de réseau pendant la demande. Réessayez.",
  nonce: "Transaction dans le désordre",
  nonceText:
    "Le compteur de transactions de votre portefeuille est désynchronisé. Réinitialisez l'activité du compte dans votre portefeuille et réessayez.",
  contractNamed: "Le contrat a refusé : {name}",
  contractNamedText: "Le contrat a refusé cette transaction ({name}).",
  contract: "Le contrat a refusé",
  contractReason: "Le contrat a refusé cette transaction : {reason}.",
  contractText: "Le contrat a refusé cette transaction. Vérifiez les montants et l'état de la facture.",
  offline: "Hors ligne",
  offlineText: "La page n'a pas pu joindre le réseau. Vérifiez votre connexion et réessayez.",
  unknown: "Une erreur est survenue",
};
