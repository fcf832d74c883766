/**
 * The page's English strings of the page's frame and what every screen shares: the header, sign-in, transactions and
 * their errors (assembled in ../en.ts).
 */

/** Words used all over the page. */
export const common = {
  optional: "(optional)",
  copy: "Copy",
  copied: "Copied",
  copiedAnnounce: "Copied to the clipboard",
  inAMoment: "in a moment",
  justNow: "just now",
};

/** The header, navigation, footer and language switcher. */
export const shell = {
  skip: "Skip to content",
  home: "Settle home",
  navLabel: "Main",
  nav: { invoices: "Invoices", pay: "Pay", staking: "Staking", history: "History", profile: "Profile" },
  footer: "Settle is open source and self-hosted. The chain holds the truth; this page only asks your wallet to sign.",
  language: "Language",
  notFound: "Page not found",
  notFoundText: "There is nothing at this address.",
  goHome: "Go home",
};

/** The account bar: wallet, network and sign-in. */
export const account = {
  connect: "Connect wallet",
  wrongNetwork: "Wrong network",
  switching: "Switching…",
  signIn: "Sign in",
  checkWallet: "Check your wallet…",
  signedIn: "Signed in",
  signedInAs: "Signed in as",
  connectedAs: "Connected as",
  copyAddress: "Copy address",
  signOut: "Sign out",
  signingOut: "Signing out…",
  profile: "Profile",
  disconnect: "Disconnect",
  chain: "Chain {id}",
  chooseWallet: "Choose a wallet",
  otherAccount: "The session was for another account: sign in again.",
  noWallet: "No wallet found in this browser. Install MetaMask (or another Ethereum wallet) and reload the page.",
  switched: "You switched accounts in your wallet, so you were signed out. Sign in again with this account.",
  sessionEnded: "Your session has ended. Sign in again to continue.",
};

/** What a screen shows before the reader is signed in. */
export const gate = {
  unavailable: "Settle is not available",
  noAddresses: "The contracts' addresses could not be loaded.",
  tryAgain: "Try again",
  connectTitle: "Connect your wallet",
  connectText: "Connect an Ethereum wallet such as MetaMask to continue.",
  connect: "Connect wallet",
  waitingWallet: "Waiting for your wallet…",
  wrongNetwork: "Wrong network",
  wrongNetworkText: "Your wallet is on chain {chain}. Settle runs on {name} (chain {id}).",
  switchNetwork: "Switch network",
  noApi: "Sign-in is not available",
  noApiText: "This server does not run the Settle API, so invoices, history and profiles are not available here.",
  signInTitle: "Sign in with Ethereum",
  signInText: "Sign a message in your wallet to prove this account is yours. It costs nothing and sends no transaction.",
  signIn: "Sign in",
  waitingSignature: "Waiting for your signature…",
  loading: "Loading",
};

/** A transaction's progress, from signing to confirmation. */
export const tx = {
  phases: { signature: "Signature", wallet: "Wallet", pending: "Pending", confirmed: "Confirmed", indexed: "Indexed" },
  sentences: {
    signature: "Waiting for your signature in the wallet…",
    wallet: "Waiting for you to confirm in your wallet…",
    pending: "Sent. Waiting for it to be mined…",
    confirmed: "Confirmed on chain. Waiting for the indexer…",
    indexed: "Done: confirmed and indexed.",
    failed: "Failed.",
  },
  dropped: "The transaction was dropped.",
  reverted: "Reverted",
  revertedText: "The transaction was mined but reverted: nothing changed.",
  confirmedOnly: "Confirmed on chain.",
  apiUnreachable: "Confirmed. The Settle API is unreachable, so indexing cannot be checked.",
  indexLate: "Confirmed. The indexer has not caught up yet; it will appear shortly.",
  dismiss: "Dismiss {title}",
  progress: "Progress",
};

/** What went wrong, said for a reader. */
export const errors = {
  wrongNetwork: "Wrong network",
  wrongNetworkText: "Your wallet is on chain {chain}. Switch it to {name} (chain {id}) to continue.",
  apiUnreachable: "Settle API unreachable",
  signedOut: "Signed out",
  serverRefused: "The server refused",
  rejected: "Rejected in your wallet",
  rejectedText: "You rejected the request in your wallet. Nothing was sent.",
  unknownNetwork: "Unknown network",
  unknownNetworkText: "Your wallet does not know this network yet. Add it when your wallet asks.",
  busy: "Wallet busy",
  busyText: "Your wallet already has a request waiting. Open it to continue.",
  unauthorised: "Not authorised",
  unauthorisedText: "Your wallet has not authorised this site. Connect again.",
  unsupported: "Not supported",
  unsupportedText: "Your wallet does not support this request.",
  disconnected: "Wallet disconnected",
  disconnectedText: "Your wallet is not connected to the network.",
  noEth: "Not enough ETH",
  noEthText: "Your account does not have enough ETH to pay for this transaction and its network fee.",
  networkChanged: "Network changed",
  networkChangedText: "Your wallet switched networks during the request. Try again.",
  nonce: "Transaction out of order",
  nonceText: "Your wallet's transaction count is out of sync. Reset the account's activity in your wallet and try again.",
  contractNamed: "The contract refused: {name}",
  contractNamedText: "The contract refused this transaction ({name}).",
  contract: "The contract refused",
  contractReason: "The contract refused this transaction: {reason}.",
  contractText: "The contract refused this transaction. Check the amounts and the invoice's state.",
  offline: "Offline",
  offlineText: "The page could not reach the network. Check your connection and try again.",
  unknown: "Something went wrong",
};
