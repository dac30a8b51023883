// What an event's fields become on disk. Verification buffers the values as the caller sent them
// (cheap); the writer turns them into what is stored, off the hot path: the path normalised as
// constraints see it, every text capped and free of control characters, the address parsed.
// Nothing here may fail on hostile input: a row PostgreSQL refuses would sink its whole batch.
import net from "node:net";
import { normalizePath, type KeyConstraint } from "@/lib/keys/constraints";

const MAX_TRAIL_PATH_BYTES = 1024;
export const MAX_TRAIL_USER_AGENT_BYTES = 512;
export const MAX_TRAIL_REQUEST_ID_BYTES = 128;
const MAX_TRAIL_METHOD_LENGTH = 16;
const MAX_CONSTRAINT_BYTES = 1024;
/** Longer than any textual IPv6 address with a zone; anything longer is not an address. */
const MAX_IP_INPUT = 64;

const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;
const HAS_CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
/**
 * A path that normalisation would return unchanged: "/", or segments of unreserved characters
 * that do not start with a dot (so no "." or ".." segment), no empty segment, no trailing slash.
 * Most real paths look like this, and testing for it costs a fraction of normalising.
 */
const ALREADY_NORMAL = /^(?:\/|(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+)$/;

/** Cuts `text` to at most `maxBytes` of UTF-8, never inside a character. */
export function capBytes(text: string, maxBytes: number): string {
  // Three bytes per UTF-16 unit at most (a surrogate pair is four bytes for two units).
  if (text.length * 3 <= maxBytes) return text;
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  while (end < text.length) {
    const code = text.codePointAt(end) as number;
    const units = code > 0xffff ? 2 : 1;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += units;
  }
  return text.slice(0, end);
}

function percentEncodeControls(text: string): string {
  return text.replace(CONTROL_CHARS, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/**
 * The path as constraints saw it. A path they refuse to normalise (traversal, encoded slashes,
 * control characters) is kept as sent, minus its query (which may carry secrets) and with control
 * characters percent-encoded: exactly such requests are what someone reading the trail looks for.
 */
export function trailPath(raw: string | null): string | null {
  if (raw === null || raw === "") return null;
  if (raw.length <= MAX_TRAIL_PATH_BYTES && ALREADY_NORMAL.test(raw)) return raw;
  const normalized = normalizePath(raw);
  if (normalized !== null) return capBytes(normalized, MAX_TRAIL_PATH_BYTES);
  const end = raw.search(/[?#]/);
  const path = end === -1 ? raw : raw.slice(0, end);
  // Capped before encoding too, so an 8 KiB path of control characters costs no 24 KiB string.
  return capBytes(percentEncodeControls(capBytes(path, MAX_TRAIL_PATH_BYTES)), MAX_TRAIL_PATH_BYTES);
}

/** ASCII letters upper-cased (no Unicode folding: "poſt" must not become POST), capped. */
export function trailMethod(raw: string | null): string | null {
  if (raw === null || raw === "") return null;
  if (raw.length <= MAX_TRAIL_METHOD_LENGTH && /^[A-Z]+$/.test(raw)) return raw;
  const cleaned = raw.slice(0, MAX_TRAIL_METHOD_LENGTH).replace(CONTROL_CHARS, "");
  return cleaned === "" ? null : cleaned.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/**
 * The textual form PostgreSQL's inet accepts, or null for anything that is not an address. An
 * IPv6 zone ("%eth0") is dropped, and an IPv4-mapped IPv6 address is stored as the IPv4 address,
 * so one client has one address in the key's list whichever socket family saw it.
 */
export function trailIp(raw: string | null): string | null {
  if (raw === null) return null;
  let text = raw.trim();
  if (text === "" || text.length > MAX_IP_INPUT) return null;
  const zone = text.indexOf("%");
  if (zone !== -1) text = text.slice(0, zone);
  const version = net.isIP(text);
  if (version === 4) return text;
  if (version !== 6) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(text);
  return mapped?.[1] && net.isIPv4(mapped[1]) ? mapped[1] : text.toLowerCase();
}

/** Free text from the caller (user agent, request id): control characters become spaces. */
export function trailText(raw: string | null, maxBytes: number): string | null {
  if (raw === null) return null;
  const capped = capBytes(raw, maxBytes);
  const text = (HAS_CONTROL_CHARS.test(capped) ? capped.replace(CONTROL_CHARS, " ") : capped).trim();
  return text === "" ? null : text;
}

/** "prefix /invoices (GET, DELETE)": which rule let the request through, readable in a table. */
export function trailConstraint(constraint: KeyConstraint | null): string | null {
  if (constraint === null) return null;
  const methods = constraint.methods.length > 0 ? ` (${constraint.methods.join(", ")})` : "";
  const text = constraint.type === "verb" ? `verb${methods}` : `${constraint.type} ${constraint.value}${methods}`;
  return trailText(text, MAX_CONSTRAINT_BYTES);
}
