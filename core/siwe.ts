/** The Sign-In with Ethereum (EIP-4361) message a client signs: the page, the examples and the tests build it here. */

/** The fields of an EIP-4361 message that a client fills in. */
export interface SiweFields {
  /** The site's host (`location.host`): wallets check it against the site asking. */
  domain: string;
  /** EIP-55 address. */
  address: string;
  statement?: string;
  /** The site's origin. */
  uri: string;
  chainId: number;
  nonce: string;
  /** ISO 8601. */
  issuedAt: string;
  /** ISO 8601. */
  expirationTime?: string;
}

/** The statement Settle's clients put in their sign-in message. */
export const SIWE_STATEMENT = "Sign in to Settle to manage your invoices and profile.";

/**
 * The EIP-4361 message text, exactly in the canonical form the `siwe` library prepares (the API refuses anything
 * else):
 *
 * ```
 * {domain} wants you to sign in with your Ethereum account:
 * {address}
 *
 * {statement}
 *
 * URI: {uri}
 * Version: 1
 * Chain ID: {chainId}
 * Nonce: {nonce}
 * Issued At: {issuedAt}
 * Expiration Time: {expirationTime}
 * ```
 */
export function siweMessage(fields: SiweFields): string {
  const header = `${fields.domain} wants you to sign in with your Ethereum account:\n${fields.address}`;
  const prefix = fields.statement ? `${header}\n\n${fields.statement}\n` : `${header}\n\n`;
  const suffix = [
    `URI: ${fields.uri}`,
    "Version: 1",
    `Chain ID: ${fields.chainId}`,
    `Nonce: ${fields.nonce}`,
    `Issued At: ${fields.issuedAt}`,
    ...(fields.expirationTime ? [`Expiration Time: ${fields.expirationTime}`] : []),
  ].join("\n");
  return `${prefix}\n${suffix}`;
}
