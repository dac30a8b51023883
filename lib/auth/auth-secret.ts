// NEXTAUTH_SECRET: taken from the environment when set; otherwise generated once and kept under
// the data directory so the quick start needs no configuration and sessions survive restarts.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export function ensureAuthSecret(dataRoot: string, warn: (message: string) => void): void {
  if (process.env.NEXTAUTH_SECRET) return;
  const file = path.join(dataRoot, "nextauth-secret");
  let secret = "";
  try {
    secret = fs.readFileSync(file, "utf8").trim();
  } catch {
    secret = randomBytes(32).toString("base64url");
    fs.mkdirSync(dataRoot, { recursive: true });
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  }
  warn(`NEXTAUTH_SECRET is not set; using the generated secret stored in ${file}. Set NEXTAUTH_SECRET in production.`);
  process.env.NEXTAUTH_SECRET = secret;
}
