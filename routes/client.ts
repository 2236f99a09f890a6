/**
 * Who a request comes from, for per-client limits: the connection's remote address (what
 * `Deno.serve` passes as the handler's second argument, Hono's `c.env`). X-Forwarded-For is
 * believed only when `TRUSTED_PROXY_HOPS` says that many proxies of ours stand in front:
 * the client is then the address the outermost of them saw (the hops-th entry from the
 * right), never a value the client wrote itself. IPv6 clients are grouped by /64 (one
 * subscriber's usual allocation); IPv4-mapped IPv6 addresses count as IPv4.
 *
 * @module
 */
import type { Context } from "hono";

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** The IPv6 address's first four groups (its /64), or null when it is not IPv6. */
function ipv6Prefix(addr: string): string | null {
  const a = addr.replace(/^\[|\]$/g, "").replace(/%.*$/, "").toLowerCase();
  if (!/^[0-9a-f:.]+$/.test(a) || !a.includes(":")) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) return mapped[1];
  const [head, tail, ...rest] = a.split("::");
  if (rest.length) return null;
  const h = head ? head.split(":") : [];
  const t = tail === undefined ? [] : tail ? tail.split(":") : [];
  const groups = tail === undefined
    ? h
    : [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill("0"), ...t];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** A client key for an address: IPv4 as is, IPv6 by its /64, anything else bounded. */
export function clientKey(addr: string): string {
  const a = addr.trim();
  if (IPV4.test(a)) return a;
  return ipv6Prefix(a) ?? a.slice(0, 64);
}

/** The request's client key (see the module doc); "unknown" without a connection. */
export function clientOf(c: Context, trustedHops = 0): string {
  if (trustedHops > 0) {
    const xff = (c.req.header("x-forwarded-for") ?? "").split(",").map((s) => s.trim())
      .filter(Boolean);
    const hop = xff[xff.length - trustedHops];
    if (hop) return clientKey(hop);
  }
  const remote = (c.env as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr;
  return remote?.hostname ? clientKey(remote.hostname) : "unknown";
}
