// The audit chain against someone with the database's credentials: the head recorded outside
// the database (lib/audit-head.ts) reveals dropped newest events, which a chain alone cannot,
// and the keyed hashes (lib/audit-key.ts) reveal events re-chained without the key. The intruder
// here is the owner (DATABASE_URL in tests), who can switch the append-only trigger off.
import fs from "node:fs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHAIN_VERSION, chainHash, recordAudit, sealedChainHash, type ChainFields } from "@/lib/audit";
import { auditHeadFile, auditHeadSettled, readRecordedHead, recordAuditHead } from "@/lib/audit-head";
import { auditKey } from "@/lib/audit-key";
import { db } from "@/lib/db";
import { verifyAuditChain } from "@/lib/services/audit-log";
import { seedBase } from "./support/fixtures";
import { withClient } from "./support/db";

type Row = Awaited<ReturnType<typeof db.auditEvent.findFirstOrThrow>>;

const write = (summary: string) => db.$transaction((tx) => recordAudit(tx, { actor: { type: "system" }, action: "test.head", summary }));

/** Runs `sql` as the owner with the append-only trigger off, as an intruder with those credentials could. */
async function asIntruder(sql: string, params: unknown[] = []): Promise<void> {
  await withClient(process.env.DATABASE_URL!, async (client) => {
    await client.query("BEGIN");
    await client.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
    await client.query(sql, params);
    await client.query(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
    await client.query("COMMIT");
  });
}

const newest = (n: number) => db.auditEvent.findMany({ orderBy: { id: "desc" }, take: n });

async function put(rows: Row[]): Promise<void> {
  for (const row of rows) await asIntruder(`DELETE FROM "AuditEvent" WHERE "id" = $1`, [row.id]);
  for (const row of [...rows].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
      await tx.auditEvent.create({ data: { ...row, metadata: row.metadata as object } });
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
    });
  }
}

const fieldsOf = (row: Row): ChainFields => ({
  createdAt: row.createdAt,
  actorType: row.actorType,
  actorUserId: row.actorUserId,
  actorKeyId: row.actorKeyId,
  actorLabel: row.actorLabel,
  action: row.action,
  targetType: row.targetType,
  targetId: row.targetId,
  projectId: row.projectId,
  keyId: row.keyId,
  summary: row.summary,
  metadata: row.metadata,
  ip: row.ip,
  userAgent: row.userAgent,
});

beforeAll(async () => {
  await seedBase();
  for (let i = 0; i < 5; i += 1) await write(`Event ${i}`);
  await auditHeadSettled();
});

afterEach(async () => {
  await auditHeadSettled();
  const result = await verifyAuditChain();
  expect(result.intact, result.message).toBe(true);
});

describe("the head recorded outside the database", () => {
  it("follows every committed write, in a file only its owner can read", async () => {
    const { id, hash } = await write("Recorded");
    await auditHeadSettled();
    const recorded = readRecordedHead();
    expect(recorded).toMatchObject({ ok: true, value: { head: { id: id.toString(), hash } } });
    expect(fs.statSync(auditHeadFile()).mode & 0o777).toBe(0o600);
  });

  it("never names an event before its transaction commits, nor one that rolled back", async () => {
    const before = readRecordedHead();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let written!: (value: { id: bigint; hash: string }) => void;
    const event = new Promise<{ id: bigint; hash: string }>((resolve) => (written = resolve));
    const open = db.$transaction(async (tx) => {
      written(await recordAudit(tx, { actor: { type: "system" }, action: "test.head", summary: "Slow to commit" }));
      await gate;
    });
    const { id } = await event;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readRecordedHead()).toEqual(before);
    release();
    await open;
    await auditHeadSettled();
    expect(readRecordedHead()).toMatchObject({ ok: true, value: { head: { id: id.toString() } } });

    const rolledBack = db.$transaction(async (tx) => {
      await recordAudit(tx, { actor: { type: "system" }, action: "test.head", summary: "Rolled back" });
      throw new Error("roll back");
    });
    await expect(rolledBack).rejects.toThrow("roll back");
    await auditHeadSettled();
    expect(readRecordedHead()).toMatchObject({ ok: true, value: { head: { id: id.toString() } } });
  });

  it("says the newest events were dropped when they are gone", async () => {
    const dropped = await newest(2);
    await asIntruder(`DELETE FROM "AuditEvent" WHERE "id" >= $1`, [dropped[1]!.id]);
    try {
      const result = await verifyAuditChain();
      expect(result).toMatchObject({ intact: false, problem: "dropped", brokenAt: dropped[0]!.id.toString() });
      expect(result.message).toContain(`The newest events were dropped: the head recorded outside the database is event #${dropped[0]!.id}`);
    } finally {
      await put(dropped);
    }
  });

  it("says the log was re-chained when someone without the key rewrote its newest events", async () => {
    const original = (await newest(3)).reverse();
    const [anchor, ...tail] = original as [Row, ...Row[]];
    let prevHash = anchor.hash;
    const forged = tail.map((row) => {
      const fields = { ...fieldsOf(row), summary: `${row.summary} (rewritten)` };
      const hash = chainHash(prevHash, fields); // the unkeyed hash is all one can compute without the key
      const result = { ...row, ...fields, metadata: row.metadata, prevHash, hash, chainVersion: 1, hmacKeyId: null };
      prevHash = hash;
      return result;
    });
    await put(forged);
    try {
      const result = await verifyAuditChain();
      expect(result).toMatchObject({ intact: false, problem: "downgrade", brokenAt: tail[0]!.id.toString() });
      expect(result.message).toContain(`The log was re-chained: event #${tail.at(-1)!.id} no longer has the hash of the head recorded outside the database`);
    } finally {
      await put(tail);
    }
  });

  it("catches a re-chain even by someone who stole the key, as long as the head was recorded", async () => {
    const original = (await newest(3)).reverse();
    const [anchor, ...tail] = original as [Row, ...Row[]];
    const key = auditKey();
    let prevHash = anchor.hash;
    const forged = tail.map((row) => {
      const fields = { ...fieldsOf(row), summary: `${row.summary} (rewritten with the key)` };
      const hash = sealedChainHash(key, prevHash, fields);
      const result = { ...row, ...fields, metadata: row.metadata, prevHash, hash, chainVersion: CHAIN_VERSION, hmacKeyId: key.id };
      prevHash = hash;
      return result;
    });
    await put(forged);
    try {
      const result = await verifyAuditChain();
      expect(result).toMatchObject({ intact: false, problem: "rechained", brokenAt: tail.at(-1)!.id.toString(), verified: await db.auditEvent.count() });
    } finally {
      await put(tail);
    }
  });

  it("compares with a head printed on an earlier export", async () => {
    const [head] = await newest(1);
    const expectedHead = { id: head!.id.toString(), hash: head!.hash };
    await expect(verifyAuditChain({ expectedHead })).resolves.toMatchObject({ intact: true });
    const wrong = { id: head!.id.toString(), hash: "0".repeat(64) };
    await expect(verifyAuditChain({ expectedHead: wrong })).resolves.toMatchObject({ intact: false, problem: "rechained" });
    const future = { id: (head!.id + 100n).toString(), hash: head!.hash };
    await expect(verifyAuditChain({ expectedHead: future })).resolves.toMatchObject({ intact: false, problem: "dropped" });
  });

  it("tells a changed audit key apart from an edit", async () => {
    process.env.KEYDESK_AUDIT_HMAC_KEY = "another-key-that-is-long-enough-to-be-accepted";
    try {
      const result = await verifyAuditChain();
      expect(result).toMatchObject({ intact: false, problem: "key" });
      expect(result.message).toMatch(/was sealed with audit key [0-9a-f]{16}, but this Keydesk's key \(KEYDESK_AUDIT_HMAC_KEY\) is [0-9a-f]{16}/);
    } finally {
      delete process.env.KEYDESK_AUDIT_HMAC_KEY;
    }
  });

  it("refuses a head file that others can read or change, and reports it", async () => {
    fs.chmodSync(auditHeadFile(), 0o644);
    try {
      await expect(recordAuditHead()).resolves.toMatchObject({ status: "unreadable" });
      await expect(verifyAuditChain()).resolves.toMatchObject({ intact: false, problem: "unreadable" });
    } finally {
      fs.chmodSync(auditHeadFile(), 0o600);
    }
  });

  // Last: it leaves the log as the intruder made it, then puts it back by hand.
  it("keeps the evidence when the application writes on after the newest events were dropped", async () => {
    const dropped = await newest(2);
    const recordedBefore = readRecordedHead();
    await asIntruder(`DELETE FROM "AuditEvent" WHERE "id" >= $1`, [dropped[1]!.id]);
    const after = await write("Written after the drop");
    await auditHeadSettled();
    expect(readRecordedHead()).toEqual(recordedBefore);
    const result = await verifyAuditChain();
    expect(result).toMatchObject({ intact: false, problem: "rechained", brokenAt: dropped[0]!.id.toString() });
    expect(result.message).toContain("is missing although later events exist");

    await asIntruder(`DELETE FROM "AuditEvent" WHERE "id" = $1`, [after.id]);
    await put(dropped);
  });
});
