// npm run db:backup / db:restore round-trip a populated database through pg_dump/pg_restore.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { context, seedBase, userActor } from "./support/fixtures";
import { createFreshDatabase, withClient } from "./support/db";

function runScript(script: string, args: string[], databaseUrl: string) {
  return spawnSync("npx", ["--no-install", "tsx", script, ...args], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: databaseUrl },
    timeout: 60_000,
  });
}

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
    // The restored audit table is append-only again.
    await expect(withClient(target.url, (client) => client.query(`DELETE FROM "AuditEvent"`))).rejects.toThrow(/append-only/);
  } finally {
    await target.drop();
  }
});

it("refuses to restore a file that does not exist, changing nothing", () => {
  const result = runScript("scripts/db-restore.ts", ["/nonexistent/backup.dump"], process.env.DATABASE_URL!);
  expect(result.status).not.toBe(0);
  expect(result.stderr).toMatch(/usage: npm run db:restore FILE/);
});
