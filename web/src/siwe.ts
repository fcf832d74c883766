/** The fields of an EIP-4361 (Sign-In with Ethereum) message that the page fills in. */
export interface SiweFields {
  /** The page's host (`location.host`): wallets check it against the site asking. */
  domain: string;
  /** EIP-55 address. */
  address: string;
  statement?: string;
  /** The page's origin. */
  uri: string;
  chainId: number;
  nonce: string;
  /** ISO 8601. */
  issuedAt: string;
  /** ISO 8601. */
  expirationTime?: string;
}

/**
 * The EIP-4361 message text, exactly in the canonical form the `siwe` library prepares (the API
 * refuses anything else):
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
