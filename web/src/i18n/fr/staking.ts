/** The page's French strings of the staking screen (assembled in ../fr.ts). */
import type { Messages } from "../en";

/** The staking screen. */
export const staking: Messages["staking"] = {
  title: "Staking",
  lead: "Stakez des SETL et gagnez des récompenses en SETL à chaque seconde de la période. Retirez et encaissez à tout moment.",
  gate: "Connectez votre portefeuille pour voir votre stake et vos récompenses.",
  networkShown:
    "Votre stake et vos récompenses sur {name}. Staker, retirer et réclamer se font sur ce réseau : le portefeuille y passe d'abord.",
  position: "Votre position",
  reading: "Lecture de votre position",
  paused: "Le staking est suspendu",
  pausedText: "Les nouveaux stakes sont refusés pour l'instant. Retraits et encaissements fonctionnent toujours.",
  wallet: "Solde du portefeuille",
  staked: "Staké",
  pool: "sur {amount} dans le pool",
  earned: "Gagné",
  claim: "Encaisser les récompenses",
  apr: "TAEG",
  endsIn: "La période de récompenses se termine dans {duration}",
  noPeriod: "Aucune période de récompenses en cours",
  stake: "Staker",
  stakeText: "Une transaction : votre portefeuille signe un permit du montant exact, puis le stake. Pas d'autorisation séparée.",
  stakeAmount: "Montant à staker",
  stakeButton: "Staker avec un permit",
  withdraw: "Retirer",
  withdrawText: "Reprenez tout ou partie de votre stake. Vos récompenses restent à encaisser.",
  withdrawAmount: "Montant à retirer",
  max: "Max",
  onlyWallet: "Vous n'avez que {amount} dans votre portefeuille.",
  onlyStaked: "Vous n'avez que {amount} stakés.",
  stakeTx: "Staker {amount}",
  withdrawTx: "Retirer {amount}",
  claimTx: "Encaisser {amount} de récompenses",
  inWallet: "Dans votre portefeuille : {amount}",
  stakedHint: "Staké : {amount}",
};
