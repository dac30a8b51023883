// Admin → Audit log on a real PostgreSQL: the filters behind the table and the export, paging,
// CSV escaping, and tamper evidence. To tamper, the test bypasses the append-only trigger the
// way only a database superuser could, then puts the row back so later tests see a sound chain.
import { beforeAll, describe, expect, it } from "vitest";
import { CHAIN_VERSION, recordAudit, sealedChainHash } from "@/lib/audit";
import { auditKey } from "@/lib/audit-key";
import { PermissionError } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { listAuditActions, listAuditEvents } from "@/lib/queries/audit";
import { auditCsvChunks, csvCell, csvLine, recordAuditExport } from "@/lib/services/audit-export";
import { verifyAuditChain } from "@/lib/services/audit-log";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { createProject } from "@/lib/services/projects";
import { auditListParamsSchema, type AuditFilters } from "@/lib/validations/audit";
import { context, createUser, seedBase, userActor } from "./support/fixtures";

let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let projectA: { id: string; name: string };
let projectB: { id: string; name: string };
let keyA: Awaited<ReturnType<typeof createApiKey>>;

const params = (raw: Record<string, string>) => auditListParamsSchema.parse(raw);

async function csvOf(filters: AuditFilters, batchSize?: number): Promise<string> {
  let text = "";
  for await (const chunk of auditCsvChunks(filters, { batchSize })) text += chunk;
  return text;
}

/** Runs `sql` with the append-only trigger off, as a superuser could; always turns it back on. */
async function tamper(sql: () => Promise<unknown>): Promise<void> {
  await db.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
  try {
    await sql();
  } finally {
    await db.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
  }
}

beforeAll(async () => {
  ({ admin } = await seedBase());
  const actor = userActor(admin);
  projectA = await createProject(actor, { name: "Audit Alpha", keyPrefix: "alpha", maxLifetimeDays: null, allowNoExpiry: true }, context);
  projectB = await createProject(actor, { name: "Audit Beta", keyPrefix: "beta", maxLifetimeDays: null, allowNoExpiry: true }, context);
  keyA = await createApiKey(actor, { projectId: projectA.id, name: "Alpha worker", expiry: "30d" }, context);
  await createApiKey(actor, { projectId: projectB.id, name: "Beta worker", expiry: "30d" }, context);
  await revokeApiKey(actor, { keyId: keyA.publicId }, context);
  // A failed sign-in whose "email" is a spreadsheet formula: the classic CSV-injection vector.
  await db.$transaction((tx) =>
    recordAudit(tx, {
      actor: { type: "anonymous", label: '=HYPERLINK("http://evil.example","click")' },
      action: "auth.sign_in_failed",
      summary: 'Failed sign-in for =HYPERLINK("http://evil.example","click"), with a comma\nand a line break',
      context: { ip: "203.0.113.9", userAgent: "-curl/8" },
    }),
  );
});

describe("filters", () => {
  it("lists everything newest first without filters", async () => {
    const page = await listAuditEvents(params({}));
    expect(page.total).toBe(await db.auditEvent.count());
    const ids = page.rows.map((row) => BigInt(row.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : 1)));
    expect(page.rows[0]?.action).toBe("auth.sign_in_failed");
  });

  it("filters by key Sid: the key's created and revoked events, with the key named", async () => {
    const page = await listAuditEvents(params({ key: keyA.publicId }));
    expect(page.key).toEqual({ publicId: keyA.publicId, name: "Alpha worker" });
    expect(page.rows.map((row) => row.action)).toEqual(["key.revoked", "key.created"]);
    expect(page.rows[0]).toMatchObject({ key: { publicId: keyA.publicId }, project: { id: projectA.id, name: "Audit Alpha" } });
    // The row id works too; an unknown Sid matches nothing rather than everything.
    expect((await listAuditEvents(params({ key: keyA.id }))).total).toBe(2);
    expect((await listAuditEvents(params({ key: "key_0000000000000000" }))).total).toBe(0);
    expect((await listAuditEvents(params({ key: "garbage" }))).total).toBe(0);
  });

  it("filters by project, exact action and action family", async () => {
    const byProject = await listAuditEvents(params({ project: projectB.id }));
    expect(byProject.rows.map((r) => r.action).sort()).toEqual(["key.created", "project.created"]);
    expect((await listAuditEvents(params({ action: "key.revoked" }))).rows.map((r) => r.targetId)).toEqual([keyA.publicId]);
    const family = await listAuditEvents(params({ action: "key.*" }));
    expect(new Set(family.rows.map((r) => r.action))).toEqual(new Set(["key.created", "key.revoked"]));
    expect((await listAuditEvents(params({ action: "key." }))).total).toBe(family.total);
    expect((await listAuditEvents(params({ action: "key" }))).total).toBe(0);
  });

  it("filters by actor text (case-insensitive) or exact user id", async () => {
    const byEmail = await listAuditEvents(params({ actor: "ADMIN@example" }));
    expect(byEmail.total).toBeGreaterThan(0);
    expect(byEmail.rows.every((r) => r.actorLabel === admin.email)).toBe(true);
    const byId = await listAuditEvents(params({ actor: admin.id }));
    expect(byId.rows.every((r) => r.actorUserId === admin.id)).toBe(true);
    expect(byId.total).toBe(await db.auditEvent.count({ where: { actorUserId: admin.id } }));
    expect((await listAuditEvents(params({ actor: "evil.example" }))).rows.map((r) => r.actorType)).toEqual(["anonymous"]);
  });

  it("treats from/to as inclusive UTC days", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const all = await db.auditEvent.count();
    expect((await listAuditEvents(params({ from: today, to: today }))).total).toBe(all);
    expect((await listAuditEvents(params({ to: "2020-01-01" }))).total).toBe(0);
    expect((await listAuditEvents(params({ from: "2999-01-01" }))).total).toBe(0);
    // Impossible dates are ignored rather than failing the page.
    expect(params({ from: "2025-02-30", to: "yesterday" })).toMatchObject({ from: undefined, to: undefined });
  });

  it("combines filters with AND and ignores malformed values", async () => {
    const combined = await listAuditEvents(params({ project: projectA.id, action: "key.created", actor: admin.email }));
    expect(combined.rows.map((r) => r.targetId)).toEqual([keyA.publicId]);
    expect(params({ project: "'; DROP TABLE x; --", page: "-3" })).toMatchObject({ project: undefined, page: 1 });
  });

  it("pages 50 at a time", async () => {
    await db.$transaction(async (tx) => {
      for (let i = 0; i < 60; i += 1) {
        await recordAudit(tx, { actor: { type: "system" }, action: "test.paging", summary: `Paging event ${i}` });
      }
    });
    const first = await listAuditEvents(params({ action: "test.paging" }));
    const second = await listAuditEvents(params({ action: "test.paging", page: "2" }));
    expect(first.total).toBe(60);
    expect(first.rows).toHaveLength(50);
    expect(second.rows).toHaveLength(10);
    expect(first.rows[0]?.summary).toBe("Paging event 59");
    expect(second.rows.at(-1)?.summary).toBe("Paging event 0");
  });

  it("offers known actions and the ones in the log", async () => {
    const actions = await listAuditActions();
    expect(actions).toEqual(expect.arrayContaining(["key.revoked", "project.archived", "test.paging"]));
    expect(actions).toEqual([...new Set(actions)].sort());
  });
});

describe("CSV", () => {
  it("quotes commas, quotes and line breaks (RFC 4180)", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rlf")).toBe('"cr\rlf"');
    expect(csvCell(null)).toBe("");
    expect(csvLine(["a", null, "b,c"])).toBe('a,,"b,c"\r\n');
  });

  it.each(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])("defuses a cell starting with %j", (value) => {
    expect(csvCell(value).replace(/^"/, "").startsWith("'")).toBe(true);
  });

  it("exports the filtered view with header, escaping and formula protection", async () => {
    const text = await csvOf({ actor: "evil.example" });
    expect(text.startsWith("\uFEFFid,time_utc,actor_type,actor,")).toBe(true);
    const lines = text.slice(1).split("\r\n");
    expect(lines.at(-1)).toBe("");
    expect(lines).toHaveLength(3); // header, one event (its line break is quoted), trailing ""
    const row = lines[1]!;
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(row).toContain('"Failed sign-in for =HYPERLINK(""http://evil.example"",""click""), with a comma\nand a line break"');
    expect(row).toContain(",'-curl/8,");
  });

  it("exports exactly the rows the table shows, across batches", async () => {
    const filters = { action: "key.*" };
    const table = await listAuditEvents(params(filters));
    const text = await csvOf(filters, 1);
    const ids = text.slice(1).split("\r\n").slice(1, -1).map((line) => line.split(",")[0]);
    expect(ids).toEqual(table.rows.map((r) => r.id));
  });

  it("logs the export itself, and refuses anyone but administrators", async () => {
    await recordAuditExport(admin, { action: "key.*" }, context);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "audit.exported" }, orderBy: { id: "desc" } });
    expect(event).toMatchObject({ actorUserId: admin.id, metadata: { filters: { action: "key.*" } } });
    expect(event.summary).toBe(`${admin.email} exported the audit log (action=key.*)`);
    for (const role of ["manager", "viewer"] as const) {
      const user = await createUser(role);
      await expect(recordAuditExport(user, {}, context)).rejects.toBeInstanceOf(PermissionError);
    }
  });
});

describe("tamper evidence", () => {
  it("reports an intact chain", async () => {
    const total = await db.auditEvent.count();
    const result = await verifyAuditChain({ batchSize: 7 });
    const newest = await db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(result).toMatchObject({ intact: true, verified: total, head: { id: newest.id.toString(), hash: newest.hash } });
    expect(result.message).toMatch(new RegExp(`^Intact: ${total} events verified\\.`));
  });

  it("is enforced by the database: the application cannot edit or delete events", async () => {
    const event = await db.auditEvent.findFirstOrThrow({ orderBy: { id: "asc" } });
    await expect(db.auditEvent.update({ where: { id: event.id }, data: { summary: "x" } })).rejects.toThrow(/append-only/);
    await expect(db.auditEvent.delete({ where: { id: event.id } })).rejects.toThrow(/append-only/);
  });

  it("finds an edited event, and the chain is intact again once the edit is undone", async () => {
    const target = await db.auditEvent.findFirstOrThrow({ where: { action: "key.revoked" } });
    await tamper(() => db.auditEvent.update({ where: { id: target.id }, data: { actorLabel: "someone-else@example.com" } }));
    const result = await verifyAuditChain({ batchSize: 5 });
    expect(result).toMatchObject({ intact: false, brokenAt: target.id.toString(), problem: "hash" });
    expect(result.message).toBe(`Event #${target.id} does not match its keyed hash — it was edited, or written by someone without the audit key.`);
    expect(result.verified).toBe(await db.auditEvent.count({ where: { id: { lt: target.id } } }));

    await tamper(() => db.auditEvent.update({ where: { id: target.id }, data: { actorLabel: target.actorLabel } }));
    await expect(verifyAuditChain()).resolves.toMatchObject({ intact: true });
  });

  it("finds an edited metadata value, also when only a nested value changed", async () => {
    const target = await db.auditEvent.findFirstOrThrow({ where: { action: "project.created" } });
    await tamper(() => db.$executeRaw`UPDATE "AuditEvent" SET "metadata" = jsonb_set("metadata", '{activeKeyLimit}', '1000') WHERE "id" = ${target.id}`);
    await expect(verifyAuditChain()).resolves.toMatchObject({ intact: false, brokenAt: target.id.toString(), problem: "hash" });
    await tamper(() => db.$executeRaw`UPDATE "AuditEvent" SET "metadata" = ${JSON.stringify(target.metadata)}::jsonb WHERE "id" = ${target.id}`);
    await expect(verifyAuditChain()).resolves.toMatchObject({ intact: true });
  });

  it("finds a deleted event at the event after it, and the chain is intact once it is restored", async () => {
    const events = await db.auditEvent.findMany({ orderBy: { id: "asc" }, take: 3, skip: 3 });
    const [before, deleted, after] = events as [(typeof events)[0], (typeof events)[0], (typeof events)[0]];
    await tamper(() => db.auditEvent.delete({ where: { id: deleted.id } }));
    const result = await verifyAuditChain({ batchSize: 4 });
    expect(result).toMatchObject({ intact: false, brokenAt: after.id.toString(), problem: "link" });
    expect(result.message).toBe(`Event #${after.id}'s previous-hash does not match event #${before.id} — an event was deleted or inserted.`);

    await tamper(() => db.auditEvent.create({ data: { ...deleted, metadata: deleted.metadata as object } }));
    await expect(verifyAuditChain()).resolves.toMatchObject({ intact: true });
  });

  it("finds a deleted first event", async () => {
    const first = await db.auditEvent.findFirstOrThrow({ orderBy: { id: "asc" } });
    const second = await db.auditEvent.findFirstOrThrow({ where: { id: { gt: first.id } }, orderBy: { id: "asc" } });
    await tamper(() => db.auditEvent.delete({ where: { id: first.id } }));
    await expect(verifyAuditChain()).resolves.toMatchObject({
      intact: false,
      brokenAt: second.id.toString(),
      problem: "link",
      message: `Event #${second.id}'s previous-hash points at an event that is no longer in the log — earlier events were deleted.`,
    });
    await tamper(() => db.auditEvent.create({ data: { ...first, metadata: first.metadata as object } }));
    await expect(verifyAuditChain()).resolves.toMatchObject({ intact: true });
  });

  it("finds a forged event slipped in between two others, even with a correct keyed hash of its own", async () => {
    // A rolled-back write consumes an id, leaving a gap (normal, and not reported) to forge into.
    await db.$transaction(async (tx) => {
      await recordAudit(tx, { actor: { type: "system" }, action: "test.rolled_back", summary: "Never committed" });
      throw new Error("roll back");
    }).catch(() => undefined);
    await db.$transaction((tx) => recordAudit(tx, { actor: { type: "system" }, action: "test.after_gap", summary: "After the gap" }));
    const [left, right] = await db.auditEvent.findMany({ orderBy: { id: "desc" }, take: 2 }).then((rows) => rows.reverse());
    expect(right!.id - left!.id).toBe(2n);
    await expect(verifyAuditChain()).resolves.toMatchObject({ intact: true });

    const fields = {
      createdAt: new Date(),
      actorType: "system" as const,
      actorUserId: null,
      actorKeyId: null,
      actorLabel: "Keydesk",
      action: "key.created",
      targetType: null,
      targetId: null,
      projectId: null,
      keyId: null,
      summary: "Nothing to see here",
      metadata: {},
      ip: null,
      userAgent: null,
    };
    const forgedId = left!.id + 1n;
    // Even someone holding the audit key cannot slip an event in: the next event does not point at it.
    const key = auditKey();
    const hash = sealedChainHash(key, left!.hash, fields);
    await tamper(() => db.auditEvent.create({ data: { id: forgedId, ...fields, prevHash: left!.hash, hash, chainVersion: CHAIN_VERSION, hmacKeyId: key.id } }));
    // The forgery links to its predecessor, but the next event still points past it.
    await expect(verifyAuditChain()).resolves.toMatchObject({
      intact: false,
      brokenAt: right!.id.toString(),
      problem: "link",
      message: `Event #${right!.id}'s previous-hash does not match event #${forgedId} — an event was deleted or inserted.`,
    });
    await tamper(() => db.auditEvent.delete({ where: { id: forgedId } }));
    const after = await verifyAuditChain();
    expect(after, after.message).toMatchObject({ intact: true });
  });
});
