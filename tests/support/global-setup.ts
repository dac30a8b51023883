// Vitest globalSetup: ONE throw-away PostgreSQL per test run, with a migrated template database.
// Each test file then gets its own copy of the template (tests/support/per-file-db.ts), which is
// far cheaper than migrating per file and keeps files from seeing each other's rows.
import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensureAppLogin } from "@/lib/db/app-role";
import { findFreePort, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { ensureDatabase, migrate } from "@/lib/db/migrator";
// Type-only: ./db imports `vitest`, which belongs in test workers, not in this main process.
import type { TestPostgres } from "./db";

const TEMPLATE_DATABASE = "keydesk_template";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "keydesk-test-"));
  // mkdtemp makes the directory 0700; the `postgres` user (when we run as root) must traverse it.
  await fs.chmod(root, 0o755);
  const server = await startEmbeddedPostgres({
    dataDir: path.join(root, "postgres"),
    // A random port, so a dev server on the preferred port 54329 is never disturbed.
    port: await findFreePort(),
    persistent: false,
    log: (line) => {
      if (/warning|unexpectedly/i.test(line)) console.warn(`[test postgres] ${line}`);
    },
  });
  // The application's role, as the embedded server has it: tests that need the app's privileges
  // (rather than the owner's, which DATABASE_URL has) connect as it through appUrl().
  const appPassword = crypto.randomBytes(18).toString("base64url");
  try {
    await ensureAppLogin(server.url(), appPassword);
    await ensureDatabase(server.url(), TEMPLATE_DATABASE);
    await migrate(server.url(TEMPLATE_DATABASE));
  } catch (error) {
    await server.stop();
    throw error;
  }
  const provided: TestPostgres = { adminUrl: server.url(), template: TEMPLATE_DATABASE, appPassword };
  project.provide("pg", provided);

  return async () => {
    await server.stop();
    await fs.rm(root, { recursive: true, force: true });
  };
}
