import { isIP } from 'node:net';

/**
 * Which IP addresses the fetcher may connect to. Credentials name URLs chosen by whoever
 * wrote them (issuer ids, did:web hosts, status lists), so without this policy a crafted
 * credential could make the service reach its own metadata endpoint or internal network.
 * Only globally routable unicast addresses are public; everything else is refused.
 */

/** An IPv4 range as a 32-bit network number and a prefix length. */
interface Ipv4Range {
  readonly network: number;
  readonly prefix: number;
}

function ipv4Range(cidr: string): Ipv4Range {
  const [address = '', prefix = '32'] = cidr.split('/');
  const network = parseIpv4(address);
  if (network === undefined) throw new Error(`bad built-in range ${cidr}`);
  return { network, prefix: Number(prefix) };
}

// Built once at module load: the checks run on every fetch and every redirect hop.
const NON_PUBLIC_IPV4: readonly Ipv4Range[] = [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8', // private
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, including the cloud metadata address 169.254.169.254
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation (TEST-NET-1)
  '192.88.99.0/24', // deprecated 6to4 relay anycast
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation (TEST-NET-2)
  '203.0.113.0/24', // documentation (TEST-NET-3)
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, including the broadcast address 255.255.255.255
].map(ipv4Range);

/** Parses dotted-quad IPv4 text into an unsigned 32-bit number. */
function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    // Leading zeros are refused: some resolvers read them as octal, so "010" is ambiguous.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

function inIpv4Range(address: number, range: Ipv4Range): boolean {
  if (range.prefix === 0) return true;
  const shift = 32 - range.prefix;
  return address >>> shift === range.network >>> shift;
}

function isPublicIpv4(address: number): boolean {
  return !NON_PUBLIC_IPV4.some((range) => inIpv4Range(address, range));
}

/** Parses IPv6 text (with `::`, an embedded IPv4 tail, or a zone id) into 8 16-bit groups. */
function parseIpv6(text: string): number[] | undefined {
  let body = text.split('%')[0] ?? '';
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    // "::ffff:1.2.3.4" is the same address as "::ffff:102:304": rewrite the tail as two groups.
    const v4 = parseIpv4(tail);
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === undefined || rest === undefined) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - rest.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...rest];
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  for (const group of text.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    groups.push(Number.parseInt(group, 16));
  }
  return groups;
}

function ipv4From(high: number, low: number): number {
  return high * 0x10000 + low;
}

function isPublicIpv6(g: readonly number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  // ::ffff:a.b.c.d (IPv4-mapped): the connection really goes to the IPv4 address.
  if (firstFiveZero && g5 === 0xffff) return isPublicIpv4(ipv4From(g6, g7));
  // 64:ff9b::a.b.c.d (NAT64 well-known prefix): translated to the embedded IPv4 address.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0)
    return isPublicIpv4(ipv4From(g6, g7));
  // 2002:AABB:CCDD::/48 (6to4): routed to the embedded IPv4 address.
  if (g0 === 0x2002) return isPublicIpv4(ipv4From(g1, g2));
  // Only 2000::/3 is global unicast; this refuses ::, ::1, IPv4-compatible ::a.b.c.d,
  // 64:ff9b:1::/48, 100::/64, fc00::/7 (unique-local), fe80::/10 (link-local),
  // fec0::/10 (site-local) and ff00::/8 (multicast) in one test.
  if ((g0 & 0xe000) !== 0x2000) return false;
  // 2001:db8::/32 is for documentation.
  if (g0 === 0x2001 && g1 === 0x0db8) return false;
  // 2001::/23 holds IETF protocol assignments (Teredo, ORCHID, benchmarking) that are not
  // ordinary servers.
  if (g0 === 0x2001 && g1 < 0x0200) return false;
  return true;
}

/**
 * True when `ip` is a globally routable unicast address the fetcher may connect to; false
 * for loopback, private, link-local, unique-local, CGNAT, multicast, broadcast, reserved and
 * documentation ranges, for IPv4-mapped/NAT64/6to4 IPv6 forms of those, and for anything
 * that is not an IP address at all.
 *
 * @example
 * isPublicAddress('93.184.216.34'); // true
 * isPublicAddress('::ffff:169.254.169.254'); // false
 */
export function isPublicAddress(ip: string): boolean {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const zoneless = text.split('%')[0] ?? '';
  const family = isIP(zoneless);
  if (family === 4) {
    const value = parseIpv4(zoneless);
    return value !== undefined && isPublicIpv4(value);
  }
  if (family === 6) {
    const groups = parseIpv6(zoneless);
    return groups !== undefined && isPublicIpv6(groups);
  }
  return false;
}

/**
 * True when `ip` is a loopback address (127.0.0.0/8, ::1, or ::ffff:127.x.y.z).
 *
 * @example
 * isLoopbackAddress('127.0.0.1'); // true
 */
export function isLoopbackAddress(ip: string): boolean {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const family = isIP(text);
  if (family === 4) {
    const value = parseIpv4(text);
    return value !== undefined && value >>> 24 === 127;
  }
  if (family === 6) {
    const g = parseIpv6(text);
    if (g === undefined) return false;
    const zeros = g.slice(0, 5).every((group) => group === 0);
    if (zeros && g[5] === 0 && g[6] === 0 && g[7] === 1) return true;
    return zeros && g[5] === 0xffff && (g[6] ?? 0) >>> 8 === 127;
  }
  return false;
}
