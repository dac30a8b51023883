// Webhook signing secrets at rest. Signing needs the secret itself (it cannot be hashed like an
// API key), so it is stored AES-256-GCM encrypted: a database backup alone reveals no secret.
//
// The key is KEYDESK_ENCRYPTION_KEY when set, otherwise derived from NEXTAUTH_SECRET (which
// `npm start` always provides, generated into the data directory if need be). Set
// KEYDESK_ENCRYPTION_KEY in production if NEXTAUTH_SECRET may be rotated: a changed key makes the
// stored secrets unreadable, and deliveries then fail until each endpoint's secret is rotated.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;

class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

function key(): Buffer {
  const material = process.env.KEYDESK_ENCRYPTION_KEY || process.env.NEXTAUTH_SECRET;
  if (!material) throw new SecretBoxError("Set KEYDESK_ENCRYPTION_KEY (or NEXTAUTH_SECRET) to store webhook secrets.");
  return Buffer.from(hkdfSync("sha256", material, "keydesk", "webhook signing secrets", 32));
}

export function seal(plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), data.toString("base64")].join(":");
}

export function open(sealed: string): string {
  const [version, iv, tag, data] = sealed.split(":");
  if (version !== VERSION || !iv || !tag || data === undefined) throw new SecretBoxError("The stored secret is not in a known format.");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretBoxError(
      "The signing secret cannot be decrypted: KEYDESK_ENCRYPTION_KEY (or NEXTAUTH_SECRET) changed since it was stored. Rotate the endpoint's secret.",
    );
  }
}
