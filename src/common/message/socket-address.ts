// Owns: the binary socket address RocketMQ puts in message records (BORNHOST, STOREHOSTADDRESS)
// and in offset message ids, and its "ip:port" text form. No I/O.
// Counterpart: org.apache.rocketmq.common.message.MessageExt#socketAddress2ByteBuffer and
// java.net.InetAddress#getHostAddress (the text form Java prints).
//
//   IPv4: 4-byte address + int32 port = 8 bytes      IPv6: 16-byte address + int32 port = 20 bytes
//
// Text form: "a.b.c.d:port", or Java's uncompressed lowercase IPv6 ("0:0:0:0:0:0:0:1:port");
// parsing cuts at the last ':' and also accepts "[v6]:port" and compressed IPv6 ("::1").

export const IPV4_SOCKET_ADDRESS_BYTES = 8;
export const IPV6_SOCKET_ADDRESS_BYTES = 20;

/** The bytes of an IPv4 or IPv6 address in text form (4 or 16), or undefined when malformed. */
export function parseIp(ip: string): Buffer | undefined {
  if (ip.includes(':')) return parseIPv6(ip);
  return parseIPv4(ip);
}

function parseIPv4(ip: string): Buffer | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  const out = Buffer.alloc(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] as string;
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseIPv6(ip: string): Buffer | undefined {
  let text = ip;
  let tailV4: Buffer | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    // An embedded IPv4 tail ("::ffff:1.2.3.4") stands for the last two groups.
    tailV4 = parseIPv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] as string);
  const tail = halves.length === 2 ? groupsOf(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const out = Buffer.alloc(16);
  head.forEach((group, i) => out.writeUInt16BE(group, i * 2));
  tail.forEach((group, i) => out.writeUInt16BE(group, (8 - tail.length + i) * 2));
  if (tailV4 !== undefined) out.set(tailV4, 12);
  return out;
}

function groupsOf(text: string): number[] | undefined {
  if (text.length === 0) return [];
  const groups: number[] = [];
  for (const part of text.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
    groups.push(parseInt(part, 16));
  }
  return groups;
}

/** True when the host of "ip:port" is an IPv6 address a record must store in 20 bytes. */
export function isIPv6SocketAddress(address: string): boolean {
  const { host } = splitHostPort(address);
  if (!host.includes(':')) return false;
  const ip = parseIPv6(host);
  return ip !== undefined && !isIPv4Mapped(ip, 0);
}

function splitHostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const portText = address.slice(colon + 1);
  let host = address.slice(0, Math.max(colon, 0));
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : -1;
  if (colon < 0 || port < 0 || port > 65535) throw new TypeError(`not an "ip:port" address: ${JSON.stringify(address)}`);
  return { host, port };
}

/**
 * Writes "ip:port" (or an address already in binary form) at `pos` and returns the bytes written:
 * 8 when `ipv6` is false, 20 when true. The sysFlag bit decides the width, as in Java. An IPv4
 * address written wide becomes `::ffff:a.b.c.d`; an IPv4-mapped IPv6 address written narrow
 * becomes plain IPv4 (what a dual-stack Node socket reports for an IPv4 peer). A real IPv6
 * address cannot be written narrow.
 */
export function writeSocketAddress(buf: Buffer, pos: number, address: string | Uint8Array, ipv6: boolean): number {
  const width = ipv6 ? IPV6_SOCKET_ADDRESS_BYTES : IPV4_SOCKET_ADDRESS_BYTES;
  if (typeof address !== 'string') {
    if (address.length !== width) {
      throw new TypeError(`a ${address.length}-byte socket address where the sysFlag says ${width}`);
    }
    if (pos < 0 || pos + width > buf.length) throw new RangeError(`a ${width}-byte socket address at ${pos} does not fit in ${buf.length} bytes`);
    // A byte loop: TypedArray#set costs more than the copy for 8 or 20 bytes.
    for (let i = 0; i < width; i++) buf[pos + i] = address[i]!;
    return width;
  }
  const { host, port } = splitHostPort(address);
  const ip = parseIp(host);
  if (ip === undefined) throw new TypeError(`not an IP address: ${JSON.stringify(host)}`);
  if (ipv6) {
    if (ip.length === 4) {
      buf.fill(0, pos, pos + 10);
      buf[pos + 10] = 0xff;
      buf[pos + 11] = 0xff;
      buf.set(ip, pos + 12);
    } else {
      buf.set(ip, pos);
    }
  } else if (ip.length === 4) {
    buf.set(ip, pos);
  } else if (isIPv4Mapped(ip, 0)) {
    buf.set(ip.subarray(12), pos);
  } else {
    throw new TypeError(`IPv6 address ${JSON.stringify(host)} needs the sysFlag's IPv6 bit`);
  }
  buf.writeInt32BE(port, pos + width - 4);
  return width;
}

/** "ip:port" in binary form (8 or 20 bytes), e.g. to encode a broker's store host once. */
export function encodeSocketAddress(address: string, ipv6 = isIPv6SocketAddress(address)): Buffer {
  const out = Buffer.alloc(ipv6 ? IPV6_SOCKET_ADDRESS_BYTES : IPV4_SOCKET_ADDRESS_BYTES);
  writeSocketAddress(out, 0, address, ipv6);
  return out;
}

function isIPv4Mapped(buf: Uint8Array, pos: number): boolean {
  for (let i = 0; i < 10; i++) if (buf[pos + i] !== 0) return false;
  return buf[pos + 10] === 0xff && buf[pos + 11] === 0xff;
}

/**
 * The text form of the `ipLength`-byte (4 or 16) address at `pos`, as Java's `getHostAddress`
 * prints it. Compat: Java turns an IPv4-mapped IPv6 address into an Inet4Address, so it prints as
 * IPv4.
 */
export function formatIp(buf: Buffer, pos: number, ipLength: 4 | 16): string {
  if (ipLength === 16 && !isIPv4Mapped(buf, pos)) {
    let out = '';
    for (let i = 0; i < 16; i += 2) out += (i === 0 ? '' : ':') + buf.readUInt16BE(pos + i).toString(16);
    return out;
  }
  const p = ipLength === 16 ? pos + 12 : pos;
  return `${buf[p] as number}.${buf[p + 1] as number}.${buf[p + 2] as number}.${buf[p + 3] as number}`;
}

/** "ip:port" from the 8- or 20-byte binary address at `pos`. */
export function formatSocketAddress(buf: Buffer, pos: number, length: 8 | 20): string {
  const ipLength = length === IPV4_SOCKET_ADDRESS_BYTES ? 4 : 16;
  return `${formatIp(buf, pos, ipLength)}:${buf.readInt32BE(pos + ipLength)}`;
}
