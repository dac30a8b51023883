// Every secret an e2e test sees revealed is remembered here, so the last spec can prove that
// none of them ever appeared in the server's logs.
import fs from "node:fs";
import path from "node:path";

function file(): string {
  const dir = process.env.KEYDESK_E2E_DATA_DIR;
  if (!dir) throw new Error("KEYDESK_E2E_DATA_DIR is not set (playwright.config.ts sets it)");
  return path.join(dir, "revealed-secrets.txt");
}

export function rememberSecret(secret: string): void {
  fs.appendFileSync(file(), `${secret}\n`);
}

export function revealedSecrets(): string[] {
  try {
    return fs.readFileSync(file(), "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

export function serverLog(): string {
  const dir = process.env.KEYDESK_E2E_DATA_DIR ?? "";
  return fs.readFileSync(path.join(dir, "server.log"), "utf8");
}
