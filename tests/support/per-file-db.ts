// Vitest setupFiles entry: runs in each test file's worker before the file's own imports, so the
// app code under test (lib/db.ts reads DATABASE_URL on first use) talks to a database of its own,
// and keeps its local state (the audit key, the audit chain's recorded head) in a data directory
// of its own.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { createFreshDatabase } from "./db";

// Database tests sign in hundreds of times: hash with scrypt N=2^12 here (lib/auth/password.ts
// honours this only under Vitest). Production parameters are covered by lib/auth/password.test.ts.
process.env.KEYDESK_TEST_SCRYPT_N ??= String(2 ** 12);

const database = await createFreshDatabase();
process.env.DATABASE_URL = database.url;
const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "keydesk-test-data-"));
process.env.KEYDESK_DATA_DIR = dataDirectory;

afterAll(async () => {
  // A recording of the audit chain's head still in flight needs the pool until it ends.
  if ((globalThis as { __keydeskAuditHead?: unknown }).__keydeskAuditHead) {
    const { auditHeadSettled } = await import("@/lib/audit-head");
    await auditHeadSettled();
  }
  // Close the app's pool if the file used it (lib/db.ts keeps its client on globalThis); importing
  // lib/db is only cheap then, so do not load Prisma just to find there is nothing to close.
  if ((globalThis as { __keydeskDb?: unknown }).__keydeskDb) {
    const { disconnectDb } = await import("@/lib/db");
    await disconnectDb();
  }
  // Best effort: a file that leaked connections keeps its database until the server is discarded
  // at the end of the run (forcing them closed would surface as errors in that file's pools).
  await database.drop().catch(() => undefined);
  fs.rmSync(dataDirectory, { recursive: true, force: true });
});
