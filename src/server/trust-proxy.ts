/**
 * `trust_proxy`: the reverse proxies whose `X-Forwarded-For` is believed, as addresses or CIDRs.
 * Empty (the default) trusts nobody: the client address is the socket's, so a client cannot
 * pick its own rate-limit bucket. Behind a proxy, list it, or every user shares its address and
 * the per-IP ceiling.
 */
import { isIP } from 'node:net';
import { LuckyError } from '../errors.js';

function isAddressOrCidr(entry: string): boolean {
  const [addr = '', bits, ...rest] = entry.split('/');
  if (rest.length) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** The value for fastify's `trustProxy`: false, or the validated list. Throws E_INPUT_INVALID. */
export function parseTrustProxy(entries: readonly string[]): false | string[] {
  const bad = entries.filter((e) => !isAddressOrCidr(e));
  if (bad.length) {
    throw new LuckyError(
      'E_INPUT_INVALID',
      'trust_proxy must list IP addresses or CIDRs of your reverse proxies (such as 10.0.0.1 or 10.0.0.0/8)',
      bad.map((e) => `trust_proxy: ${JSON.stringify(e)} is not an address or CIDR`),
    );
  }
  return entries.length ? [...entries] : false;
}
