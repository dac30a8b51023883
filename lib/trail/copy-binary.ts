// A batch of events in PostgreSQL's binary COPY format, written into one reusable Buffer. Binary
// rather than text: PostgreSQL then reads a timestamp as 8 bytes, a uuid as 16 and an address as
// 8 or 20, instead of parsing their text for every row (timestamptz's input function is among the
// dearest parts of a text COPY), and Node writes bytes instead of concatenating one string per
// row that the socket must encode again. The field values are formatted as before (format.ts);
// a batch of the same few keys, methods and agents formats each distinct value once.
//
// Layout (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format"): a signature
// and two zero words, then per row a 16-bit field count and per field a 32-bit length (-1 for
// NULL) and that many bytes, then a 16-bit -1.
import { DAY_MS } from "@/lib/dates";

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
/** Milliseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC). */
const POSTGRES_EPOCH_MS = 10_957 * DAY_MS;
const TWO_32 = 4_294_967_296;
/** pg's inet families (utils/inet.h): not the operating system's AF_INET numbers. */
const PGSQL_AF_INET = 2;
const PGSQL_AF_INET6 = 3;
/** Up to this length, bytes are copied in JavaScript rather than by a call into Node's C++. */
const SHORT_BYTES = 64;
/** Distinct values remembered per column and batch; past it, values are encoded each time. */
const MAX_REMEMBERED = 4_096;

/** Grows as needed and is reused batch after batch: one allocation, not one per row or field. */
export class CopyBinaryBuffer {
  private buffer: Buffer;
  private pos = 0;

  constructor(initialBytes = 1 << 20) {
    this.buffer = Buffer.allocUnsafeSlow(initialBytes);
  }

  /** Starts a new payload (the previous one must no longer be in use). */
  begin(): void {
    this.pos = 0;
    this.reserve(SIGNATURE.length + 8);
    this.pos += SIGNATURE.copy(this.buffer, this.pos);
    this.buffer.writeInt32BE(0, this.pos); // flags
    this.buffer.writeInt32BE(0, this.pos + 4); // header extension length
    this.pos += 8;
  }

  /** The payload so far, trailer included; a view of the reused buffer, valid until begin(). */
  end(): Buffer {
    this.reserve(2);
    this.buffer.writeInt16BE(-1, this.pos);
    return this.buffer.subarray(0, this.pos + 2);
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.pos + bytes));
    this.buffer.copy(grown, 0, 0, this.pos);
    this.buffer = grown;
  }

  row(fields: number): void {
    this.reserve(2);
    this.buffer.writeInt16BE(fields, this.pos);
    this.pos += 2;
  }

  null(): void {
    this.reserve(4);
    this.buffer.writeInt32BE(-1, this.pos);
    this.pos += 4;
  }

  /** timestamptz: microseconds since 2000-01-01 UTC as a signed 64-bit integer. */
  timestamp(ms: number): void {
    const us = Math.round(ms - POSTGRES_EPOCH_MS) * 1000;
    const high = Math.floor(us / TWO_32);
    this.reserve(12);
    this.buffer.writeInt32BE(8, this.pos);
    this.buffer.writeInt32BE(high, this.pos + 4);
    this.buffer.writeUInt32BE(us - high * TWO_32, this.pos + 8);
    this.pos += 12;
  }

  /** Text as UTF-8. */
  text(value: string | null): void {
    if (value === null) return this.null();
    const length = value.length;
    this.reserve(4 + length * 3);
    const buffer = this.buffer;
    const start = this.pos + 4;
    // Short ASCII (paths, request ids) byte by byte: cheaper than a call into the encoder.
    let n = 0;
    if (length <= SHORT_BYTES) {
      for (; n < length; n++) {
        const code = value.charCodeAt(n);
        if (code >= 0x80) break;
        buffer[start + n] = code;
      }
    }
    const bytes = n === length ? n : buffer.write(value, start, "utf8");
    buffer.writeInt32BE(bytes, this.pos);
    this.pos = start + bytes;
  }

  /** A field encoded once (length prefix and all) by encodeText/encodeUuid/encodeInet. */
  field(encoded: Buffer): void {
    const length = encoded.length;
    this.reserve(length);
    if (length > SHORT_BYTES) {
      this.pos += encoded.copy(this.buffer, this.pos);
      return;
    }
    const buffer = this.buffer;
    const start = this.pos;
    for (let n = 0; n < length; n++) buffer[start + n] = encoded[n] as number;
    this.pos = start + length;
  }
}

/** A text field with its length prefix, or NULL's. */
export function encodeText(value: string | null): Buffer {
  if (value === null) return NULL_FIELD;
  const bytes = Buffer.byteLength(value, "utf8");
  const field = Buffer.allocUnsafe(4 + bytes);
  field.writeInt32BE(bytes, 0);
  field.write(value, 4, "utf8");
  return field;
}

const NULL_FIELD = (() => {
  const field = Buffer.alloc(4);
  field.writeInt32BE(-1, 0);
  return field;
})();

/** A uuid field ("0b4f…-…" → its 16 bytes). The caller passes a valid uuid. */
export function encodeUuid(value: string | null): Buffer {
  if (value === null) return NULL_FIELD;
  const field = Buffer.allocUnsafe(20);
  field.writeInt32BE(16, 0);
  field.write(value.replaceAll("-", ""), 4, 16, "hex");
  return field;
}

/** The 16 bytes of a textual IPv6 address that net.isIPv6 accepted (no zone). */
function ipv6Bytes(text: string, out: Buffer, at: number): void {
  const toGroups = (part: string): number[] => {
    if (part === "") return [];
    const groups: number[] = [];
    for (const piece of part.split(":")) {
      if (piece.includes(".")) {
        const [a, b, c, d] = piece.split(".").map(Number) as [number, number, number, number];
        groups.push((a << 8) | b, (c << 8) | d);
      } else {
        groups.push(Number.parseInt(piece, 16));
      }
    }
    return groups;
  };
  const gap = text.indexOf("::");
  const head = toGroups(gap === -1 ? text : text.slice(0, gap));
  const tail = gap === -1 ? [] : toGroups(text.slice(gap + 2));
  const groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  for (let g = 0; g < 8; g++) out.writeUInt16BE(groups[g] as number, at + g * 2);
}

/**
 * An inet field from the text trailIp() returns (a plain IPv4 or lower-case IPv6 address):
 * family, bits, is-cidr, address length, address.
 */
export function encodeInet(value: string | null): Buffer {
  if (value === null) return NULL_FIELD;
  const v6 = value.includes(":");
  const size = v6 ? 16 : 4;
  const field = Buffer.allocUnsafe(4 + 4 + size);
  field.writeInt32BE(4 + size, 0);
  field.writeUInt8(v6 ? PGSQL_AF_INET6 : PGSQL_AF_INET, 4);
  field.writeUInt8(size * 8, 5);
  field.writeUInt8(0, 6);
  field.writeUInt8(size, 7);
  if (v6) ipv6Bytes(value, field, 8);
  else {
    const parts = value.split(".");
    for (let i = 0; i < 4; i++) field.writeUInt8(Number(parts[i]), 8 + i);
  }
  return field;
}

/**
 * Remembers, for one batch, what each distinct raw value of a column became: the same key, method,
 * agent or address repeats thousands of times in a batch and is formatted and encoded once.
 */
export class FieldMemo<Raw, Out> {
  private readonly seen = new Map<Raw, Out>();
  private lastRaw: Raw | undefined;
  private lastOut: Out | undefined;

  constructor(private readonly make: (raw: Raw) => Out) {}

  get(raw: Raw): Out {
    // The previous row's value first: a busy client sends runs of identical values.
    if (raw === this.lastRaw) return this.lastOut as Out;
    let out = this.seen.get(raw);
    if (out === undefined) {
      out = this.make(raw);
      if (this.seen.size < MAX_REMEMBERED) this.seen.set(raw, out);
    }
    this.lastRaw = raw;
    this.lastOut = out;
    return out;
  }
}
