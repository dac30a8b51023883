// Upgrading a database whose audit log was written before keyed chains: its events (chain
// version 1, plain SHA-256) still verify, new ones are keyed, and the switch-over point cannot be
// used to slip unkeyed events in afterwards.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chainHash, recordAudit, type ChainFields } from "@/lib/audit";
import { auditHeadSettled, readRecordedHead, recordAuditHead } from "@/lib/audit-head";
import { db } from "@/lib/db";
import { migrate } from "@/lib/db/migrator";
import { verifyAuditChain } from "@/lib/services/audit-log";
import { createFreshDatabase, withClient, type TestDatabase } from "./support/db";

const MIGRATIONS = path.resolve(import.meta.dirname, "../prisma/migrations");
const SWITCH_OVER = "20261201000301_audit_chain_hmac";
let database: TestDatabase;

const fields = (i: number): ChainFields => ({
  createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, i)),
  actorType: "system",
  actorUserId: null,
  actorKeyId: null,
  actorLabel: "Keydesk",
  action: "test.legacy",
  targetType: null,
  targetId: null,
  projectId: null,
  keyId: null,
  summary: `Written before keyed chains (${i})`,
  metadata: { i },
  ip: null,
  userAgent: null,
});

async function insertLegacy(url: string, prevHash: string | null, f: ChainFields, version?: 1): Promise<string> {
  const hash = chainHash(prevHash, f);
  const [columns, values] = version ? [`, "chainVersion"`, `, 1`] : ["", ""];
  await withClient(url, (client) =>
    client.query(
      `INSERT INTO "AuditEvent" ("createdAt", "actorType", "actorLabel", "action", "summary", "metadata", "prevHash", "hash"${columns})
       VALUES ($1, 'system', $2, $3, $4, $5, $6, $7${values})`,
      [f.createdAt, f.actorLabel, f.action, f.summary, JSON.stringify(f.metadata), prevHash, hash],
    ),
  );
  return hash;
}

beforeAll(async () => {
  database = await createFreshDatabase({ migrated: false });
  // The schema as it was before keyed chains, with a log written by the code of that time.
  const before = fs.mkdtempSync(path.join(os.tmpdir(), "keydesk-migrations-"));
  for (const name of fs.readdirSync(MIGRATIONS)) {
    if (name < SWITCH_OVER) fs.cpSync(path.join(MIGRATIONS, name), path.join(before, name), { recursive: true });
  }
  await migrate(database.url, { migrationsDir: before });
  let prev: string | null = null;
  for (let i = 0; i < 3; i += 1) prev = await insertLegacy(database.url, prev, fields(i));
  fs.rmSync(before, { recursive: true, force: true });

  await migrate(database.url);
  process.env.DATABASE_URL = database.url; // before anything uses lib/db
});

afterAll(async () => {
  await auditHeadSettled();
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
  await database.drop().catch(() => undefined);
});

it("verifies the events written before keyed chains, and keys every new one", async () => {
  expect(await db.auditEvent.groupBy({ by: ["chainVersion"], _count: true })).toEqual([{ chainVersion: 1, _count: 3 }]);
  await expect(verifyAuditChain()).resolves.toMatchObject({ intact: true, verified: 3 });

  // First start after the upgrade: the head (and the switch-over point) is recorded.
  await recordAuditHead();
  const legacyHead = await db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
  expect(readRecordedHead()).toMatchObject({ ok: true, value: { keyedAfter: legacyHead.id.toString() } });

  for (let i = 0; i < 2; i += 1) await db.$transaction((tx) => recordAudit(tx, { actor: { type: "system" }, action: "test.keyed", summary: `Keyed ${i}` }));
  await auditHeadSettled();
  const keyed = await db.auditEvent.findMany({ where: { chainVersion: 2 }, orderBy: { id: "asc" } });
  expect(keyed).toHaveLength(2);
  expect(keyed[0]!.prevHash).toBe(legacyHead.hash);
  await expect(verifyAuditChain()).resolves.toMatchObject({ intact: true, verified: 5 });
});

it("calls an unkeyed event after the switch-over a forgery", async () => {
  const last = await db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
  await insertLegacy(database.url, last.hash, fields(9), 1);
  const forged = await db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
  const result = await verifyAuditChain();
  expect(result).toMatchObject({ intact: false, problem: "downgrade", brokenAt: forged.id.toString() });
  expect(result.message).toContain("carries an unkeyed hash where only keyed events may be");
});
