// The audit export and chain check over a large log: 20,000 events with a valid chain, streamed
// batch by batch in bounded memory. In a file of its own, so its bulk insert (which must keep
// the chain valid) does not slow down or disturb the other audit tests.
import { beforeAll, describe, expect, it } from "vitest";
import { sealedChainHash, type ChainFields } from "@/lib/audit";
import { auditKey } from "@/lib/audit-key";
import { db } from "@/lib/db";
import { formatCount } from "@/lib/format";
import { auditCsvStream } from "@/lib/services/audit-export";
import { verifyAuditChain } from "@/lib/services/audit-log";
import { seedBase } from "./support/fixtures";

const EVENTS = 20_000;
const BATCH = 1000;
let total = 0;

/**
 * Appends `count` events with correct chain hashes in one INSERT … SELECT over unnest(): the
 * hashes are computed here with the app's chainHash, and ids are assigned in ordinality order.
 */
async function appendEvents(count: number): Promise<void> {
  const last = await db.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  let prevHash = last?.hash ?? null;
  const key = auditKey();
  const start = Date.now();
  const columns = { createdAt: [] as Date[], actorLabel: [] as string[], action: [] as string[], summary: [] as string[], metadata: [] as string[], prevHash: [] as (string | null)[], hash: [] as string[] };
  for (let i = 0; i < count; i += 1) {
    const fields: ChainFields = {
      createdAt: new Date(start + i),
      actorType: "anonymous",
      actorUserId: null,
      actorKeyId: null,
      actorLabel: i % 2 === 0 ? `bulk${i}@example.com` : `=cmd|' /C calc'!A${i}`,
      action: i % 3 === 0 ? "auth.sign_in_failed" : "bulk.event",
      targetType: null,
      targetId: null,
      projectId: null,
      keyId: null,
      summary: `Bulk event ${i}, with "quotes", commas\nand a second line`,
      metadata: { i, tags: ["a", "b"] },
      ip: "192.0.2.1",
      userAgent: "bulk-loader/1.0",
    };
    const hash = sealedChainHash(key, prevHash, fields);
    columns.createdAt.push(fields.createdAt);
    columns.actorLabel.push(fields.actorLabel);
    columns.action.push(fields.action);
    columns.summary.push(fields.summary);
    columns.metadata.push(JSON.stringify(fields.metadata));
    columns.prevHash.push(prevHash);
    columns.hash.push(hash);
    prevHash = hash;
  }
  await db.$executeRaw`
    INSERT INTO "AuditEvent" ("createdAt", "actorType", "actorLabel", "action", "summary", "metadata", "ip", "userAgent", "prevHash", "hash", "chainVersion", "hmacKeyId")
    SELECT e."createdAt", 'anonymous', e."actorLabel", e."action", e."summary", e."metadata"::jsonb, '192.0.2.1', 'bulk-loader/1.0', e."prevHash", e."hash", 2, ${key.id}
    FROM unnest(${columns.createdAt}::timestamptz[], ${columns.actorLabel}::text[], ${columns.action}::text[], ${columns.summary}::text[],
                ${columns.metadata}::text[], ${columns.prevHash}::text[], ${columns.hash}::text[])
         WITH ORDINALITY AS e("createdAt", "actorLabel", "action", "summary", "metadata", "prevHash", "hash", n)
    ORDER BY e.n`;
}

/** Splits CSV text into records, honouring quoted line breaks. */
function countRecords(text: string): number {
  let records = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 10 && !quoted) records += 1;
  }
  return records;
}

beforeAll(async () => {
  await seedBase();
  await appendEvents(EVENTS);
  total = await db.auditEvent.count();
}, 120_000);

describe("a log of 20,000 events", () => {
  it("verifies the whole chain in batches", async () => {
    const result = await verifyAuditChain();
    expect(result).toMatchObject({ intact: true, verified: total });
    expect(result.message.startsWith(`Intact: ${formatCount(total)} events verified.`)).toBe(true);
  });

  it("streams the CSV one batch at a time, with every row", async () => {
    const stream = auditCsvStream({});
    const reader = stream.getReader();
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    let rows = -1; // the header is not a row
    let chunks = 0;
    let largest = 0;
    let firstLine = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks += 1;
      const text = decoder.decode(value, { stream: true });
      if (chunks === 1) firstLine = text;
      const records = countRecords(text);
      rows += records;
      largest = Math.max(largest, records);
    }
    expect(firstLine.startsWith("\uFEFFid,time_utc,")).toBe(true);
    expect(rows).toBe(total);
    // Header, then ceil(total / 1000) batches of at most 1000 rows: never the whole log at once.
    expect(chunks).toBe(1 + Math.ceil(total / BATCH));
    expect(largest).toBeLessThanOrEqual(BATCH);
  }, 60_000);

  it("stops reading the database when the download is cancelled", async () => {
    const stream = auditCsvStream({ action: "bulk.event" });
    const reader = stream.getReader();
    await reader.read(); // header
    const batch = await reader.read();
    expect(countRecords(new TextDecoder().decode(batch.value))).toBe(BATCH);
    await reader.cancel();
    const after = await reader.read();
    expect(after.done).toBe(true);
  });

  it("applies filters to the export and defuses formula cells", async () => {
    const reader = auditCsvStream({ action: "auth.sign_in_failed", actor: "calc" }).getReader();
    let text = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
    const expected = await db.auditEvent.count({ where: { action: "auth.sign_in_failed", actorLabel: { contains: "calc" } } });
    expect(countRecords(text) - 1).toBe(expected);
    expect(text).not.toMatch(/,=cmd/);
    expect(text).toContain(",'=cmd|' /C calc'!A");
  });

  // Last in the file: it edits events behind the trigger's back, which breaks the chain.
  it("reads the database only as the download proceeds, so memory holds a batch, never the log", async () => {
    const reader = auditCsvStream({ action: "bulk.event" }).getReader();
    const decoder = new TextDecoder();
    await reader.read(); // header
    const first = decoder.decode((await reader.read()).value);
    const oldestShown = BigInt(first.trimEnd().split("\r\n").at(-1)!.split(",")[0]!);

    // With the reader paused, change every event more than two batches further down the log.
    await db.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
    try {
      await db.$executeRaw`UPDATE "AuditEvent" SET "summary" = 'CHANGED WHILE PAUSED' WHERE "action" = 'bulk.event' AND "id" < ${oldestShown - 2500n}`;
    } finally {
      await db.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
    }

    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += decoder.decode(r.value);
    // Had the export read ahead (or read everything up front), it would show the old summaries.
    const changed = await db.auditEvent.count({ where: { summary: "CHANGED WHILE PAUSED" } });
    expect(changed).toBeGreaterThan(5000);
    expect(rest.split("CHANGED WHILE PAUSED").length - 1).toBe(changed);
  });
});
