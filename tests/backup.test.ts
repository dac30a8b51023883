// npm run db:backup / db:restore round-trip a populated database through pg_dump/pg_restore.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { findPgTool, serverMajorVersion } from "@/lib/db/pg-tools";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { context, seedBase, userActor } from "./support/fixtures";
import { appUrl, createFreshDatabase, withClient } from "./support/db";

function runScript(script: string, args: string[], databaseUrl: string, extraEnv: Record<string, string> = {}) {
  return spawnSync("npx", ["--no-install", "tsx", script, ...args], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: databaseUrl, ...extraEnv },
    timeout: 90_000,
  });
}

// Spawning tsx twice and pg_dump/pg_restore takes a while on a busy machine.
const SLOW = 180_000;

async function fingerprint(url: string) {
  return withClient(url, async (client) => {
    const counts = await client.query(`SELECT (SELECT count(*) FROM "User") AS users, (SELECT count(*) FROM "ApiKey") AS keys,
      (SELECT count(*) FROM "AuditEvent") AS events, (SELECT count(*) FROM _prisma_migrations) AS migrations`);
    const keys = await client.query(`SELECT "publicId", "hash", "revokedAt" IS NOT NULL AS revoked FROM "ApiKey" ORDER BY "publicId"`);
    const chain = await client.query(`SELECT "hash" FROM "AuditEvent" ORDER BY "id" DESC LIMIT 1`);
    return { counts: counts.rows[0], keys: keys.rows, lastHash: chain.rows[0]?.hash };
  });
}

it("restores exactly what was backed up, into a database that had other data", async () => {
  const { admin, project } = await seedBase();
  const kept = await createApiKey(userActor(admin), { projectId: project.id, name: "Kept key", expiry: "30d" }, context);
  const revoked = await createApiKey(userActor(admin), { projectId: project.id, name: "Revoked key", expiry: "7d" }, context);
  await revokeApiKey(userActor(admin), { keyId: revoked.publicId }, context);
  const source = process.env.DATABASE_URL!;
  const before = await fingerprint(source);
  expect(before.keys).toHaveLength(2);

  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "keydesk-backup-")), "backup.dump");
  const backup = runScript("scripts/db-backup.ts", [file], source);
  expect(backup.status, backup.stderr).toBe(0);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(fs.readFileSync(file).includes(Buffer.from(kept.secret))).toBe(false);

  const target = await createFreshDatabase();
  try {
    await withClient(target.url, (client) => client.query(`INSERT INTO "User" ("email", "name", "role") VALUES ('other@example.com', 'Other', 'viewer')`));
    const restore = runScript("scripts/db-restore.ts", [file], target.url);
    expect(restore.status, restore.stderr).toBe(0);
    expect(await fingerprint(target.url)).toEqual(before);
    // The restored audit table is append-only again, and the application's role has exactly its
    // privileges back: it reads everything, and may only add audit events.
    await expect(withClient(target.url, (client) => client.query(`DELETE FROM "AuditEvent"`))).rejects.toThrow(/append-only/);
    const asApp = appUrl(target.name);
    expect(await fingerprint(asApp).catch((error: Error) => error.message)).toMatch(/permission denied for table _prisma_migrations/);
    await withClient(asApp, (client) => client.query(`SELECT count(*) FROM "ApiKey"`));
    await expect(withClient(asApp, (client) => client.query(`UPDATE "AuditEvent" SET "summary" = 'x'`))).rejects.toThrow(/permission denied for table AuditEvent/);
  } finally {
    await target.drop();
  }
}, SLOW);

it("writes the backup private from its first byte, and gives pg_dump none of Keydesk's secrets", async () => {
  await seedBase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keydesk-backup-mode-"));
  const file = path.join(dir, "backup.dump");
  const log = path.join(dir, "observed");
  // A pg_dump that runs the real one, then notes the mode of what it wrote to (its --file, or its
  // standard output) before anyone could chmod it afterwards, and the environment it was given.
  const wrapper = path.join(dir, "pg_dump");
  fs.writeFileSync(
    wrapper,
    `#!/bin/sh
"$PGKEYDESK_REAL_PG_DUMP" "$@"; status=$?
out=/proc/$$/fd/1
for arg in "$@"; do case "$arg" in --file=*) out="\${arg#--file=}";; esac; done
echo "mode $(stat -L -c %a "$out")" >> "$PGKEYDESK_OBSERVED"
env | grep -c KEYDESK_ADMIN_PASSWORD | sed 's/^/secrets /' >> "$PGKEYDESK_OBSERVED"
exit $status
`,
    { mode: 0o755 },
  );
  const real = findPgTool("pg_dump", await serverMajorVersion(process.env.DATABASE_URL!));
  const umask = process.umask(0o022);
  try {
    const backup = runScript("scripts/db-backup.ts", [file], process.env.DATABASE_URL!, {
      KEYDESK_PG_DUMP: wrapper,
      PGKEYDESK_REAL_PG_DUMP: real,
      PGKEYDESK_OBSERVED: log,
      KEYDESK_ADMIN_PASSWORD: "never-given-to-pg-dump",
    });
    expect(backup.status, backup.stderr).toBe(0);
  } finally {
    process.umask(umask);
  }
  const observed = fs.readFileSync(log, "utf8").trim().split("\n");
  expect(observed.slice(-2)).toEqual(["mode 600", "secrets 0"]);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  fs.rmSync(dir, { recursive: true, force: true });
}, SLOW);

it("refuses to restore a file that does not exist, changing nothing", () => {
  const result = runScript("scripts/db-restore.ts", ["/nonexistent/backup.dump"], process.env.DATABASE_URL!);
  expect(result.status).not.toBe(0);
  expect(result.stderr).toMatch(/usage: npm run db:restore FILE/);
}, SLOW);
