import { hash, randomBytes, timingSafeEqual } from "node:crypto";
import { crc32 } from "node:zlib";
import { KEY_PREFIX_MAX_LENGTH, KEY_PREFIX_MIN_LENGTH, isValidKeyPrefix } from "@/lib/keys/prefix";
import { PUBLIC_ID_PREFIX, PUBLIC_ID_RANDOM_LENGTH } from "@/lib/keys/public-id";

/**
 * API key secrets look like `<prefix>_<random><checksum>`, e.g. `kd_0aZ…`:
 * - prefix: the project's keyPrefix (lowercase letters/digits, 2–12 chars);
 * - random: 32 random bytes in base62, left-padded to 43 chars so every body has the same length;
 * - checksum: CRC32 of `<prefix>_<random>` in base62, left-padded to 6 chars.
 *
 * The checksum (as in GitHub's token format) lets the verifier and secret scanners reject
 * typos and made-up strings without touching the database. It is not a security measure:
 * anyone can compute it, so only the SHA-256 lookup decides whether a key is real.
 */

export const BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const RANDOM_BYTES = 32;
/** ceil(256 / log2(62)) = 43: the most base62 digits 32 bytes can need. */
export const RANDOM_PART_LENGTH = 43;
/** 62^6 > 2^32, so six digits hold any CRC32 value. */
export const CHECKSUM_LENGTH = 6;
export const SECRET_BODY_LENGTH = RANDOM_PART_LENGTH + CHECKSUM_LENGTH;
const SECRET_MIN_LENGTH = KEY_PREFIX_MIN_LENGTH + 1 + SECRET_BODY_LENGTH;
const SECRET_MAX_LENGTH = KEY_PREFIX_MAX_LENGTH + 1 + SECRET_BODY_LENGTH;
/** Body characters kept in displayPrefix, enough to tell keys apart in lists. */
const DISPLAY_BODY_CHARS = 6;

const SECRET_PATTERN = new RegExp(
  `^([a-z0-9]{${KEY_PREFIX_MIN_LENGTH},${KEY_PREFIX_MAX_LENGTH}})_([0-9A-Za-z]{${SECRET_BODY_LENGTH}})$`,
);

export { isPublicId } from "@/lib/keys/public-id";

export interface GeneratedSecret {
  /** Shown to the user once and never stored. */
  secret: string;
  /** Hex SHA-256 of `secret`; what the database stores and looks keys up by. */
  hash: string;
  /** `<prefix>_` plus the first 6 body characters. */
  displayPrefix: string;
  /** Last 4 characters of the secret (part of the checksum). */
  last4: string;
}

export type ParsedSecret =
  | { ok: true; prefix: string; secret: string }
  | { ok: false; reason: "format" | "checksum" };

/** Fixed-width base62 so that every secret has the same length whatever the random value. */
function toBase62(value: bigint, width: number): string {
  let digits = "";
  let rest = value;
  while (rest > 0n) {
    digits = BASE62_ALPHABET.charAt(Number(rest % 62n)) + digits;
    rest /= 62n;
  }
  if (digits.length > width) {
    throw new RangeError(`value needs ${digits.length} base62 digits, more than ${width}`);
  }
  return digits.padStart(width, BASE62_ALPHABET.charAt(0));
}

function checksum(checkedPart: string): string {
  return toBase62(BigInt(crc32(checkedPart) >>> 0), CHECKSUM_LENGTH);
}

export function generateSecret(projectPrefix: string): GeneratedSecret {
  if (!isValidKeyPrefix(projectPrefix)) {
    throw new Error("Key prefix must be 2–12 lowercase letters or digits");
  }
  const random = toBase62(BigInt(`0x${randomBytes(RANDOM_BYTES).toString("hex")}`), RANDOM_PART_LENGTH);
  const checkedPart = `${projectPrefix}_${random}`;
  const secret = checkedPart + checksum(checkedPart);
  return {
    secret,
    hash: hashSecret(secret),
    displayPrefix: `${projectPrefix}_${random.slice(0, DISPLAY_BODY_CHARS)}`,
    last4: secret.slice(-4),
  };
}

export function hashSecret(secret: string): string {
  // The one-shot hash: no Hash object per verification.
  return hash("sha256", secret, "hex");
}

/**
 * Checks shape and checksum only; a passing secret may still be unknown, revoked or expired.
 * Input is not trimmed: callers decide whether surrounding whitespace is acceptable.
 */
export function parseSecret(input: unknown): ParsedSecret {
  // The length test comes first so that huge inputs never reach the regex.
  if (typeof input !== "string" || input.length < SECRET_MIN_LENGTH || input.length > SECRET_MAX_LENGTH) {
    return { ok: false, reason: "format" };
  }
  const match = SECRET_PATTERN.exec(input);
  const prefix = match?.[1];
  const body = match?.[2];
  if (prefix === undefined || body === undefined) {
    return { ok: false, reason: "format" };
  }
  const checkedPart = `${prefix}_${body.slice(0, RANDOM_PART_LENGTH)}`;
  if (checksum(checkedPart) !== body.slice(RANDOM_PART_LENGTH)) {
    return { ok: false, reason: "checksum" };
  }
  return { ok: true, prefix, secret: input };
}

/** What the UI shows instead of the secret, e.g. `kd_AbC123…wxyz`. */
export function maskedKey(displayPrefix: string, last4: string): string {
  return `${displayPrefix}\u2026${last4}`;
}

const HEX_PATTERN = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * Constant-time comparison of two hex digests (case-insensitive). Unequal lengths or non-hex
 * input return false; digest lengths are public, so revealing them early leaks nothing.
 */
export function timingSafeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length || !HEX_PATTERN.test(a) || !HEX_PATTERN.test(b)) {
    return false;
  }
  return timingSafeEqual(Buffer.from(a, "hex"), Buffer.from(b, "hex"));
}

/** Bytes at or above this are discarded so that `byte % 62` stays uniform (248 = 4 × 62). */
const UNBIASED_BYTE_LIMIT = 248;

/** The key's public "Sid", e.g. `key_4fT9aB0cD1eF2gH3`: `key_` + 16 uniformly random base62 chars. */
export function generatePublicId(): string {
  let id = "";
  while (id.length < PUBLIC_ID_RANDOM_LENGTH) {
    for (const byte of randomBytes(PUBLIC_ID_RANDOM_LENGTH * 2)) {
      if (byte < UNBIASED_BYTE_LIMIT) {
        id += BASE62_ALPHABET.charAt(byte % 62);
        if (id.length === PUBLIC_ID_RANDOM_LENGTH) break;
      }
    }
  }
  return PUBLIC_ID_PREFIX + id;
}
