// The key that encrypts stored idempotent answers (they may hold a new key's secret). Like the
// session secret it lives outside the database: KEYDESK_IDEMPOTENCY_SECRET when set (every
// instance of a cluster needs the same one), otherwise generated once into the data directory
// (mode 0600). Someone with only a database dump reads no secret from the stored answers.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir } from "@/lib/data-dir";

const ENV = "KEYDESK_IDEMPOTENCY_SECRET";
const FILE = "idempotency-secret";

/** Reads or creates the secret and puts it in the environment (called at start, and lazily). */
export function ensureIdempotencySecret(dataRoot: string): void {
  if (process.env[ENV]) return;
  const file = path.join(dataRoot, FILE);
  let secret = "";
  try {
    secret = fs.readFileSync(file, "utf8").trim();
  } catch {
    // Not there yet: create it exclusively, so two processes starting at once agree on one.
    fs.mkdirSync(dataRoot, { recursive: true });
    try {
      fs.writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    secret = fs.readFileSync(file, "utf8").trim();
  }
  process.env[ENV] = secret;
}

/** 32 bytes for AES-256-GCM, derived from the configured secret (any length, any text). */
export function idempotencyKeyBytes(): Buffer {
  if (!process.env[ENV]) ensureIdempotencySecret(dataDir());
  return createHash("sha256").update(`keydesk idempotency v1\0${process.env[ENV]}`).digest();
}
