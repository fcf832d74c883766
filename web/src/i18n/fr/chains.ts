/** Chaînes françaises de la page sur plusieurs réseaux : choix du réseau, badges et filtres, numéros ambigus. */
import type { Messages } from "../en";

/** French strings of the `chains` part of the catalogue. */
export const chains: Messages["chains"] = {
  network: "Réseau",
  networkHint: "La chaîne sur laquelle la facture est créée ; le payeur paie sur celle-ci.",
  allNetworks: "Tous les réseaux",
  filterLabel: "Filtrer par réseau",
  chainColumn: "Réseau",
  unknownChain: "Ce serveur ne sert pas la chaîne {id}",
  unknownChainText:
    "Le lien désigne une chaîne que ce Settle n’indexe pas. Demandez un nouveau lien, ou ouvrez la facture depuis votre liste.",
  ambiguousTitle: "La facture {id} existe sur plusieurs réseaux",
  ambiguousText: "Un numéro de facture seul est ambigu ici. Choisissez le réseau de la facture voulue :",
  openOn: "Facture {id} sur {name}",
  switchRefused: "Vous êtes resté sur la chaîne {chain}. Passez sur {name} (chaîne {id}) dans votre portefeuille pour continuer.",
};
