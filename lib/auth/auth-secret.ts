// NEXTAUTH_SECRET: taken from the environment when set; otherwise generated once and kept under
// the data directory (mode 0600, checked on every start) so the quick start needs no
// configuration and sessions survive restarts.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { ensureSecretFile } from "@/lib/secret-file";

export function ensureAuthSecret(dataRoot: string, warn: (message: string) => void): void {
  if (process.env.NEXTAUTH_SECRET) return;
  const file = path.join(dataRoot, "nextauth-secret");
  const { value } = ensureSecretFile(file, () => `${randomBytes(32).toString("base64url")}\n`);
  warn(`NEXTAUTH_SECRET is not set; using the generated secret stored in ${file}. Set NEXTAUTH_SECRET in production.`);
  process.env.NEXTAUTH_SECRET = value.trim();
}
