import { BlockList, type LookupFunction, isIP } from "node:net";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";

/** Addresses a webhook may not reach in production: loopback, private, link-local, CGNAT, multicast, reserved. */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  BLOCKED.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  BLOCKED.addSubnet(network, prefix, "ipv6");
}

/** True when `address` (an IPv4 or IPv6 literal) is a public unicast address; IPv4-mapped IPv6 is judged as its IPv4. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    const dotted = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
    if (dotted) return isPublicAddress(dotted[1]!);
    // WHATWG URL writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
    if (hex) {
      const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
      return isPublicAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
    }
    return !BLOCKED.check(address, "ipv6");
  }
  return !BLOCKED.check(address, "ipv4");
}

/** A webhook URL that may not be used. */
export class WebhookUrlError extends Error {
  override name = "WebhookUrlError";
}

/** Where a delivery may go: http(s) only; in production only hosts whose every resolved address is public. */
export interface UrlPolicy {
  production: boolean;
}

/** The bracket-free host of a URL (IPv6 literals come bracketed from WHATWG URL). */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

/**
 * Checks a webhook URL: http or https, no credentials in it, and in production a host that
 * resolves only to public addresses (all of them are checked, not only the first).
 *
 * @throws WebhookUrlError saying what is wrong
 */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlError("is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new WebhookUrlError("must be an http or https URL");
  if (url.username !== "" || url.password !== "") throw new WebhookUrlError("must not carry credentials");
  if (policy.production) await resolvePublic(hostOf(url));
  return url;
}

/** Every address of `host` (itself when it is an IP literal); throws WebhookUrlError unless all are public. */
async function resolvePublic(host: string): Promise<LookupAddress[]> {
  const addresses =
    isIP(host) !== 0
      ? [{ address: host, family: isIP(host) }]
      : await new Promise<LookupAddress[]>((resolve, reject) =>
          dnsLookup(host, { all: true, verbatim: true }, (err, found) =>
            err ? reject(new WebhookUrlError(`does not resolve (${err.code ?? "error"})`)) : resolve(found),
          ),
        );
  const blocked = addresses.find((a) => !isPublicAddress(a.address));
  if (blocked) throw new WebhookUrlError(`resolves to ${blocked.address}, a loopback, private or reserved address (refused in production)`);
  return addresses;
}

/**
 * A `lookup` for http.request that, in production, connects only to public addresses: the check is
 * made on the addresses actually used for the connection, so DNS rebinding cannot slip past it.
 */
export function guardedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const done = (addresses: LookupAddress[]) =>
      options.all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family);
    if (!policy.production) {
      dnsLookup(hostname, { all: true, verbatim: true }, (err, found) => (err ? callback(err, []) : done(found)));
      return;
    }
    resolvePublic(hostname).then(done, (err: Error) => callback(Object.assign(err, { code: "ESSRF" }), []));
  };
}
