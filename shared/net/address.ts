/**
 * Where a URL may point berth: pure checks of a webhook URL's form, of its host name, and of IP
 * addresses (public unicast, or one of the special-purpose ranges of RFC 6890 and its updates).
 * @module
 */

type Range = { base: bigint; prefix: number; bits: number; name: string };

function range(cidr: string, name: string): Range {
  const [ip, prefix] = cidr.split("/");
  const v4 = parseV4(ip);
  const bits = v4 === null ? 128 : 32;
  return { base: v4 ?? parseV6(ip)!, prefix: Number(prefix), bits, name };
}

const inRange = (n: bigint, r: Range) =>
  n >> BigInt(r.bits - r.prefix) === r.base >> BigInt(r.bits - r.prefix);

const v4Ranges = [
  range("0.0.0.0/8", "unspecified (this network)"),
  range("10.0.0.0/8", "private"),
  range("100.64.0.0/10", "shared (CGNAT)"),
  range("127.0.0.0/8", "loopback"),
  range("169.254.0.0/16", "link-local"),
  range("172.16.0.0/12", "private"),
  range("192.0.0.0/24", "IETF protocol assignment"),
  range("192.0.2.0/24", "documentation"),
  range("192.88.99.0/24", "6to4 relay"),
  range("192.168.0.0/16", "private"),
  range("198.18.0.0/15", "benchmarking"),
  range("198.51.100.0/24", "documentation"),
  range("203.0.113.0/24", "documentation"),
  range("224.0.0.0/4", "multicast"),
  range("255.255.255.255/32", "broadcast"),
  range("240.0.0.0/4", "reserved"),
];

/** Ranges of IPv6 whose last 32 bits (or bits 16-48, 6to4) are an IPv4 address that decides. */
const v6Embedding = [
  { r: range("::ffff:0:0/96", "IPv4-mapped"), shift: 0n },
  { r: range("64:ff9b::/96", "NAT64"), shift: 0n },
  { r: range("2002::/16", "6to4"), shift: 80n },
];

const v6Ranges = [
  range("::/128", "unspecified"),
  range("::1/128", "loopback"),
  range("::/96", "IPv4-compatible"),
  range("64:ff9b:1::/48", "local NAT64"),
  range("100::/64", "discard-only"),
  range("2001:db8::/32", "documentation"),
  range("2001::/23", "IETF protocol assignment"),
  range("3fff::/20", "documentation"),
  range("fc00::/7", "unique local (private)"),
  range("fe80::/10", "link-local"),
  range("fec0::/10", "site-local"),
  range("ff00::/8", "multicast"),
];
const globalUnicast = range("2000::/3", "global unicast");

/** An IPv4 address in dotted decimal (as the URL parser and DNS give it) as a number, or null. */
function parseV4(s: string): bigint | null {
  const parts = s.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return null;
  }
  return parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
}

/** An IPv6 address (`::` shortening, a dotted IPv4 tail, no brackets) as a number, or null. */
function parseV6(s: string): bigint | null {
  if (s.includes(".")) {
    const at = s.lastIndexOf(":") + 1;
    const v4 = parseV4(s.slice(at));
    if (at === 0 || v4 === null) return null;
    s = s.slice(0, at) + (v4 >> 16n).toString(16) + ":" + (v4 & 0xffffn).toString(16);
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  const all = [...head, ...Array(fill).fill("0"), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/**
 * The name of the non-public range an IP address (IPv4 dotted, IPv6 without brackets) is in, such
 * as "loopback" or "private"; null for a public unicast address. Anything that is not an IP
 * address is "not an IP address".
 */
export function nonPublicRange(ip: string): string | null {
  const v4 = parseV4(ip);
  if (v4 !== null) return v4Ranges.find((r) => inRange(v4, r))?.name ?? null;
  const v6 = parseV6(ip);
  if (v6 === null) return "not an IP address";
  for (const { r, shift } of v6Embedding) {
    if (!inRange(v6, r)) continue;
    const inner = (v6 >> shift) & 0xffffffffn;
    const name = v4Ranges.find((x) => inRange(inner, x))?.name;
    return name ? `${r.name} ${name}` : null;
  }
  const name = v6Ranges.find((r) => inRange(v6, r))?.name;
  if (name) return name;
  return inRange(v6, globalUnicast) ? null : "reserved";
}

/** Whether an IP address is public unicast: not loopback, private, link-local, multicast... */
export function isPublicAddress(ip: string): boolean {
  return nonPublicRange(ip) === null;
}

/**
 * The IP address a host name as `URL.hostname` gives it is (IPv4 normalised to dotted decimal,
 * IPv6 in brackets), or null for a name that DNS resolves.
 */
export function ipOfHost(hostname: string): string | null {
  if (hostname.startsWith("[") && hostname.endsWith("]")) return hostname.slice(1, -1);
  return parseV4(hostname) === null ? null : hostname;
}

/**
 * Why a host name as `URL.hostname` gives it names a non-public target: `localhost`,
 * `*.localhost` or a non-public IP literal. Null for a public IP literal or any other name
 * (whose addresses DNS decides).
 */
export function privateHostProblem(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.+$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return `${hostname} is this machine`;
  const ip = ipOfHost(host);
  const name = ip === null ? null : nonPublicRange(ip);
  return name && `${hostname} is a ${name} address`;
}

/**
 * Why `raw` is not a well-formed webhook URL, or null: it must be `http://` or `https://` with
 * a host, no user name or password, and no whitespace or control characters (the URL parser
 * would silently drop a CR or LF).
 */
export function webhookUrlProblem(raw: string): string | null {
  if (/[\s\p{Cc}]/u.test(raw)) return "must not contain whitespace or control characters";
  const authority = /^https?:\/\/([^/?#\\]*)/i.exec(raw)?.[1];
  if (authority === undefined) return "must be an http(s) URL (http:// or https:// and a host)";
  if (authority === "") return "must name a host";
  if (authority.includes("@")) return "must not contain a user name or password";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be a valid URL";
  }
  if (url.hostname.replace(/\.+$/, "") === "") return "must name a host";
  return null;
}
