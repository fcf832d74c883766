/** Calls to the Settle API from the tasks: one line when it cannot be reached or refuses, and SIWE sign-in. */
import type { Signer } from "ethers";
import { SIWE_STATEMENT, siweMessage } from "../../core/siwe";
import { CliError } from "./cli";

/** The API the local stack (`npm start`) serves. */
export const DEFAULT_API_URL = "http://localhost:8000";

/** `init` sent to `path` of the API at `apiUrl`; a CliError when nothing answers there. */
export async function callApi(apiUrl: string, path: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(`${apiUrl.replace(/\/$/, "")}${path}`, init);
  } catch {
    throw new CliError(`cannot reach the Settle API at ${apiUrl}: start it (npm start) or pass --api`);
  }
}

/** The API's error answer (`{ error: { code, message } }`) as one sentence: "HTTP 422 not_a_currency: …". */
export async function apiRefusal(response: Response): Promise<string> {
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  const code = body.error?.code ? ` ${body.error.code}` : "";
  return `HTTP ${response.status}${code}: ${body.error?.message ?? "no reason given"}`;
}

/**
 * Signs in to the API at `apiUrl` as `signer` with Sign-In with Ethereum: a nonce (with the cookie that binds it), the
 * EIP-4361 message for the domain, origin and chain the API names, signed and verified; returns the session's bearer
 * token.
 */
export async function signInToApi(apiUrl: string, signer: Signer): Promise<string> {
  const nonceResponse = await callApi(apiUrl, "/auth/nonce");
  if (!nonceResponse.ok) throw new CliError(`the API gave no sign-in nonce (${await apiRefusal(nonceResponse)})`);
  const cookie = nonceResponse.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .join("; ");
  const { nonce, domain, uri, chainId } = (await nonceResponse.json()) as { nonce: string; domain: string; uri: string; chainId: number };
  const message = siweMessage({
    domain,
    address: await signer.getAddress(),
    statement: SIWE_STATEMENT,
    uri,
    chainId,
    nonce,
    issuedAt: new Date().toISOString(),
  });
  const verify = await callApi(apiUrl, "/auth/verify", {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: cookie },
    body: JSON.stringify({ message, signature: await signer.signMessage(message) }),
  });
  if (!verify.ok) throw new CliError(`the API refused the sign-in (${await apiRefusal(verify)})`);
  return ((await verify.json()) as { token: string }).token;
}
