/** The page's French strings of the profile screen (assembled in ../fr.ts). */
import type { Messages } from "../en";

/** The profile screen. */
export const profile: Messages["profile"] = {
  title: "Profil",
  lead: "Comment vous apparaissez sur les factures que vous émettez. Seuls vous et les documents de vos factures voient ces informations.",
  gate: "Connectez-vous pour modifier votre profil.",
  loading: "Chargement de votre profil",
  save: "Enregistrer le profil",
  memberSince: "Membre depuis le {date}",
  signOut: "Se déconnecter",
  about: "À propos de vous",
  name: "Nom affiché",
  email: "E-mail",
  emailHint: "Pour les documents de facture. Jamais affiché publiquement.",
  company: "Société",
  taxId: "Identifiant fiscal",
  taxIdHint: "N° de TVA ou d'entreprise, tel qu'imprimé sur les factures.",
  billing: "Adresse de facturation",
  billingHint: "Videz tous les champs pour retirer l'adresse.",
  line1: "Adresse",
  line2: "Complément d'adresse",
  city: "Ville",
  postalCode: "Code postal",
  region: "Région ou État",
  country: "Code pays",
  countryHint: "Deux lettres, comme FR, DE ou US.",
  countryError: "Deux lettres, comme FR.",
  taxIdError: "2 à 32 lettres, chiffres, espaces, points, tirets ou barres obliques.",
  saved: "Profil enregistré",
  updated: "Mis à jour à {time}.",
};
