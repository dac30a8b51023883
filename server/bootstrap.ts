// First run, at start-up. Headless installs and tests: KEYDESK_ADMIN_EMAIL + KEYDESK_ADMIN_PASSWORD
// (+ KEYDESK_ADMIN_NAME) create the first administrator when no user exists yet; invalid values
// stop start-up with the validation message (never the password itself). Otherwise, while no
// user exists, a one-time setup token is printed to the log and written to <data dir>/setup-token
// (mode 0600): the setup page asks for it, so only whoever can read the server's log or data
// directory can become the first administrator.
import fs from "node:fs";
import path from "node:path";
import { dataDir } from "@/lib/data-dir";
import { writeSecretFile } from "@/lib/secret-file";
import { ServiceError } from "@/lib/services/errors";
import { createFirstAdmin, hasAnyUser, issueSetupToken } from "@/lib/services/setup";
import { setupSchema } from "@/lib/validations/user";
import { log } from "@/server/log";

const SETUP_TOKEN_FILE = "setup-token";

async function bootstrapAdminFromEnv(): Promise<void> {
  const email = process.env.KEYDESK_ADMIN_EMAIL;
  const password = process.env.KEYDESK_ADMIN_PASSWORD;
  if (!email || !password) return;
  if (await hasAnyUser()) return;
  const parsed = setupSchema.safeParse({ email, password, name: process.env.KEYDESK_ADMIN_NAME || "Administrator" });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`KEYDESK_ADMIN_* is invalid: ${problems}`);
  }
  try {
    const result = await createFirstAdmin(parsed.data, null, { via: "environment" });
    if (result.ok) log(`created administrator ${parsed.data.email} from KEYDESK_ADMIN_EMAIL`);
  } catch (error) {
    if (error instanceof ServiceError) throw new Error(`KEYDESK_ADMIN_PASSWORD is refused: ${error.message}`);
    throw error;
  }
}

export async function prepareFirstRun(): Promise<void> {
  await bootstrapAdminFromEnv();
  const file = path.join(dataDir(), SETUP_TOKEN_FILE);
  const token = await issueSetupToken();
  if (!token) {
    fs.rmSync(file, { force: true });
    return;
  }
  // 0600 from its first byte, replacing (never reusing) an older file and its mode.
  writeSecretFile(file, `${token}\n`);
  const base = (process.env.NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, "");
  log(`first-run setup: no administrator yet. Open ${base}/setup?token=${token} (the one-time setup token is also in ${file})`);
}
