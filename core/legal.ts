/**
 * Format rules of legal identifiers that have a public definition: the shape of an EU VAT number per member state
 * (the VIES formats, without the check digits each state computes its own way), the Luhn check of a French SIRET
 * or SIREN, and a plain email shape. Each check returns a sentence for people, or null when the value is fine.
 */

/** EU VAT number shapes after the two-letter prefix (Greece is EL), as the European Commission publishes them. */
export const EU_VAT_SHAPES: Readonly<Record<string, { pattern: RegExp; shape: string }>> = {
  AT: { pattern: /^U\d{8}$/, shape: "U and 8 digits" },
  BE: { pattern: /^[01]\d{9}$/, shape: "10 digits starting with 0 or 1" },
  BG: { pattern: /^\d{9,10}$/, shape: "9 or 10 digits" },
  CY: { pattern: /^\d{8}[A-Z]$/, shape: "8 digits and a letter" },
  CZ: { pattern: /^\d{8,10}$/, shape: "8 to 10 digits" },
  DE: { pattern: /^\d{9}$/, shape: "9 digits" },
  DK: { pattern: /^\d{8}$/, shape: "8 digits" },
  EE: { pattern: /^\d{9}$/, shape: "9 digits" },
  EL: { pattern: /^\d{9}$/, shape: "9 digits" },
  ES: { pattern: /^[A-Z0-9]\d{7}[A-Z0-9]$/, shape: "9 characters: a letter or digit, 7 digits, a letter or digit" },
  FI: { pattern: /^\d{8}$/, shape: "8 digits" },
  FR: { pattern: /^[A-HJ-NP-Z0-9]{2}\d{9}$/, shape: "2 letters or digits (the key) and the 9-digit SIREN" },
  HR: { pattern: /^\d{11}$/, shape: "11 digits" },
  HU: { pattern: /^\d{8}$/, shape: "8 digits" },
  IE: { pattern: /^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/, shape: "7 digits and 1 or 2 letters" },
  IT: { pattern: /^\d{11}$/, shape: "11 digits" },
  LT: { pattern: /^(\d{9}|\d{12})$/, shape: "9 or 12 digits" },
  LU: { pattern: /^\d{8}$/, shape: "8 digits" },
  LV: { pattern: /^\d{11}$/, shape: "11 digits" },
  MT: { pattern: /^\d{8}$/, shape: "8 digits" },
  NL: { pattern: /^\d{9}B\d{2}$/, shape: "9 digits, B and 2 digits" },
  PL: { pattern: /^\d{10}$/, shape: "10 digits" },
  PT: { pattern: /^\d{9}$/, shape: "9 digits" },
  RO: { pattern: /^\d{2,10}$/, shape: "2 to 10 digits" },
  SE: { pattern: /^\d{10}01$/, shape: "12 digits ending in 01" },
  SI: { pattern: /^\d{8}$/, shape: "8 digits" },
  SK: { pattern: /^\d{10}$/, shape: "10 digits" },
};

/** A VAT number without spaces, dots or dashes, in capitals ("fr 40 303 265 045" → "FR40303265045"). */
export function normalizeVatNumber(vat: string): string {
  return vat.replace(/[\s.-]/g, "").toUpperCase();
}

/** Why `vat` (normalized or not) is not an EU VAT number's shape, or null. */
export function vatNumberProblem(vat: string): string | null {
  const v = normalizeVatNumber(vat);
  const rule = EU_VAT_SHAPES[v.slice(0, 2)];
  if (!rule) return `must start with an EU country prefix (${Object.keys(EU_VAT_SHAPES).join(", ")}; Greece is EL)`;
  return rule.pattern.test(v.slice(2)) ? null : `a ${v.slice(0, 2)} VAT number is ${v.slice(0, 2)} followed by ${rule.shape}`;
}

/** True when the digits pass the Luhn check (every second digit from the right doubled). */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let n = 0; n < digits.length; n++) {
    let d = Number(digits[digits.length - 1 - n]);
    if (n % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Why `number` is not a French SIRET (14 digits) or SIREN (9 digits) passing the Luhn check, or null. */
export function siretProblem(number: string): string | null {
  const digits = number.replace(/\s/g, "");
  if (!/^(\d{9}|\d{14})$/.test(digits)) return "a SIRET is 14 digits (a SIREN 9)";
  return luhnValid(digits) ? null : "fails the SIRET/SIREN check digit (Luhn): a digit is wrong";
}

/** A plain email address shape: one @, no spaces, a dot in the domain. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
