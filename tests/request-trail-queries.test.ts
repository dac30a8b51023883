// The Requests page's reads on a real PostgreSQL: every filter, keyset paging both ways, client
// addresses hidden from viewers (also in the CSV export, which keeps spreadsheets from running
// attacker-chosen text), and the anomaly query over what the writer stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { keyAnomaliesFor } from "@/lib/queries/key-anomalies";
import { keyClientIps, keyRequestChart, latestKeyRequests, topKeyPaths } from "@/lib/queries/key-requests";
import { listRequests, requestSummary } from "@/lib/queries/requests";
import { createApiKey } from "@/lib/services/api-keys";
import { recordRequestExport, requestCsvChunks } from "@/lib/services/request-export";
import { configureTrailBuffer, countTrailOutcome, pushTrailEvent, recordLostBatch } from "@/lib/trail/buffer";
import { PostgresTrailSink } from "@/lib/trail/postgres-sink";
import { flushTrail, startTrailWriter, stopTrailWriter } from "@/lib/trail/writer";
import { requestListParamsSchema, type RequestListParams } from "@/lib/validations/requests";
import { context, createProject, createUser, seedBase, userActor } from "./support/fixtures";

const MINUTE = 60_000;
const now = new Date();
const ago = (minutes: number) => now.getTime() - minutes * MINUTE;
const admin = { canSeeIps: true };
const viewer = { canSeeIps: false };

let invoicesKey: { id: string; publicId: string; name: string };
let readerKey: { id: string; publicId: string; name: string };
let otherProjectKey: { id: string; publicId: string; name: string };
let projectId: string;
let otherProjectId: string;

const params = (raw: Record<string, string> = {}): RequestListParams => requestListParamsSchema.parse(raw);
const paths = async (raw: Record<string, string>, reader = admin) => (await listRequests(params(raw), reader, now)).rows.map((row) => `${row.method} ${row.path}`);

beforeAll(async () => {
  const base = await seedBase();
  const actor = userActor(base.admin);
  projectId = base.project.id;
  const other = await createProject();
  otherProjectId = other.id;
  const create = (project: string, name: string) => createApiKey(actor, { projectId: project, name, expiry: "30d", constraints: [] }, context);
  invoicesKey = await create(projectId, "Billing cleanup job");
  readerKey = await create(projectId, "Invoice reader");
  otherProjectKey = await create(otherProjectId, "Elsewhere");

  configureTrailBuffer({ capacity: 10_000, enabled: true });
  startTrailWriter({ sink: new PostgresTrailSink({ connectionString: process.env.DATABASE_URL ?? "" }), intervalMs: 3_600_000, maintenanceIntervalMs: 0, log: () => undefined });
  const push = (minutes: number, key: { id: string }, project: string, outcome: string, method: string, path: string, ip: string, ua: string | null = null) =>
    pushTrailEvent(ago(minutes), project, key.id, outcome, method, path, ip, ua, null, null);
  push(2, invoicesKey, projectId, "VALID", "DELETE", "/invoices/12", "203.0.113.50", "=HYPERLINK(\"http://evil\")");
  push(3, readerKey, projectId, "VALID", "GET", "/invoices", "198.51.100.7");
  push(4, readerKey, projectId, "FORBIDDEN", "DELETE", "/users/3", "198.51.100.7");
  push(5, readerKey, projectId, "VALID", "GET", "/reports/invoices-2026", "10.1.2.3");
  push(60 * 30, readerKey, projectId, "VALID", "GET", "/invoices/old", "198.51.100.7");
  push(6, otherProjectKey, otherProjectId, "VALID", "DELETE", "/invoices/99", "2001:db8::1");
  // Seventy more, to page through.
  for (let i = 0; i < 70; i++) push(10 + i, readerKey, projectId, "VALID", "GET", `/bulk/${i}`, "198.51.100.8");
  countTrailOutcome(projectId, "NOT_FOUND", ago(1));
  countTrailOutcome(projectId, "MALFORMED", ago(1));
  countTrailOutcome(projectId, "MALFORMED", ago(1));
  await flushTrail();
});

afterAll(async () => {
  await stopTrailWriter({ timeoutMs: 1000 });
});

describe("which key deleted invoices", () => {
  it("method DELETE and path /invoices answer with the key's name, first", async () => {
    const page = await listRequests(params({ method: "DELETE", path: "/invoices" }), admin, now);
    expect(page.rows.map((row) => [row.key?.name, row.path])).toEqual([
      ["Billing cleanup job", "/invoices/12"],
      ["Elsewhere", "/invoices/99"],
    ]);
  });
});

describe("filters", () => {
  it("by project", async () => {
    expect(await paths({ project: otherProjectId })).toEqual(["DELETE /invoices/99"]);
  });

  it("by key, as Sid or id, and an unknown key matches nothing", async () => {
    expect(await paths({ key: invoicesKey.publicId })).toEqual(["DELETE /invoices/12"]);
    expect(await paths({ key: invoicesKey.id })).toEqual(["DELETE /invoices/12"]);
    const missing = await listRequests(params({ key: "key_doesNotExist0000" }), admin, now);
    expect(missing.rows).toEqual([]);
    expect(missing.key).toBeNull();
  });

  it("by outcome, and 'denied' for everything but VALID", async () => {
    expect(await paths({ outcome: "FORBIDDEN" })).toEqual(["DELETE /users/3"]);
    expect(await paths({ outcome: "denied" })).toEqual(["DELETE /users/3"]);
  });

  it("by method", async () => {
    expect(await paths({ method: "delete" })).toEqual(["DELETE /invoices/12", "DELETE /users/3", "DELETE /invoices/99"]);
  });

  it("by path prefix (the default) or substring, with LIKE wildcards taken literally", async () => {
    expect(await paths({ path: "/invoices", method: "GET" })).toEqual(["GET /invoices", "GET /invoices/old"]);
    expect(await paths({ path: "invoices", match: "contains", method: "GET" })).toEqual(["GET /invoices", "GET /reports/invoices-2026", "GET /invoices/old"]);
    expect(await paths({ path: "/invoices%" })).toEqual([]);
    expect(await paths({ path: "/_nvoices" })).toEqual([]);
  });

  it("by client IP: an address, a CIDR range, IPv6; a bad value says so and matches nothing", async () => {
    expect(await paths({ ip: "203.0.113.50" })).toEqual(["DELETE /invoices/12"]);
    expect(await paths({ ip: "10.0.0.0/8" })).toEqual(["GET /reports/invoices-2026"]);
    expect(await paths({ ip: "2001:db8::/32" })).toEqual(["DELETE /invoices/99"]);
    const bad = await listRequests(params({ ip: "10.0.0.0/99" }), admin, now);
    expect(bad.rows).toEqual([]);
    expect(bad.ipError).toMatch(/not an IP address or a CIDR range/);
  });

  it("by time: the range (7 days by default, so an event 30 hours old is in) and from/until", async () => {
    expect(await paths({ path: "/invoices/old" })).toEqual(["GET /invoices/old"]);
    expect(await paths({ path: "/invoices/old", range: "24h" })).toEqual([]);
    const from = new Date(ago(4.5)).toISOString().slice(0, 19);
    const to = new Date(ago(2.5)).toISOString().slice(0, 19);
    expect(await paths({ from, to })).toEqual(["GET /invoices", "DELETE /users/3"]);
  });
});

describe("paging", () => {
  it("walks 76 events newest first in pages of 50 by keyset, and back", async () => {
    const first = await listRequests(params(), admin, now);
    expect(first.rows).toHaveLength(50);
    expect(first.newer).toBeNull();
    expect(first.older).not.toBeNull();
    const second = await listRequests(params({ before: first.older as string }), admin, now);
    expect(second.rows).toHaveLength(26);
    expect(second.older).toBeNull();
    const times = [...first.rows, ...second.rows].map((row) => row.at);
    expect(times).toEqual([...times].sort().reverse());
    expect(new Set([...first.rows, ...second.rows].map((row) => row.id)).size).toBe(76);
    const back = await listRequests(params({ after: second.newer as string }), admin, now);
    expect(back.rows.map((row) => row.id)).toEqual(first.rows.map((row) => row.id));
    expect(back.newer).toBeNull();
  });
});

describe("viewers", () => {
  it("see the trail without client addresses and cannot filter by them", async () => {
    const page = await listRequests(params({ key: invoicesKey.publicId }), viewer, now);
    expect(page.rows[0]?.ip).toBeNull();
    expect(page.rows[0]?.path).toBe("/invoices/12");
    const probing = await listRequests(params({ ip: "203.0.113.50" }), viewer, now);
    expect(probing.ipIgnored).toBe(true);
    expect(probing.rows.length).toBeGreaterThan(1);
  });

  it("get a CSV without addresses; the export is audited and neutralises formulas", async () => {
    const viewerUser = await createUser("viewer");
    let csv = "";
    for await (const chunk of requestCsvChunks(viewerUser, params({ key: invoicesKey.publicId }), { now })) csv += chunk;
    const [header, row] = csv.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(header).toBe("id,time_utc,project,project_id,key,key_name,outcome,method,path,matched_constraint,ip,user_agent,request_id");
    expect(row).toContain(",DELETE,/invoices/12,,,");
    expect(row).not.toContain("203.0.113.50");
    expect(row).toContain(`"'=HYPERLINK(""http://evil"")"`);

    const adminUser = await db.user.findFirstOrThrow({ where: { role: "admin" } });
    let adminCsv = "";
    for await (const chunk of requestCsvChunks(adminUser, params({ key: invoicesKey.publicId }), { now })) adminCsv += chunk;
    expect(adminCsv).toContain("203.0.113.50");

    await recordRequestExport(viewerUser, params({ method: "DELETE" }), context);
    const event = await db.auditEvent.findFirst({ where: { action: "requests.exported" }, orderBy: { id: "desc" } });
    expect(event?.summary).toContain("method=DELETE");
  });
});

describe("what the table cannot show", () => {
  it("counts unknown-key verifications per project and reports drops as gaps", async () => {
    const window = { from: new Date(ago(60)), to: null };
    const summary = await requestSummary(params({ project: projectId }), window);
    expect(summary.unlogged).toEqual([
      { outcome: "MALFORMED", count: 2 },
      { outcome: "NOT_FOUND", count: 1 },
    ]);
    const events = { count: 0, at: new Float64Array(0), projectId: [], keyId: [], outcome: [], method: [], path: [], ip: [], userAgent: [], requestId: [], matched: [] };
    recordLostBatch({ events, counts: [], drops: [{ projectId, events: 42, firstAt: ago(20), lastAt: ago(19) }] });
    await flushTrail();
    const after = await requestSummary(params({ project: projectId }), window);
    expect(after.gaps).toEqual([{ projectId, projectName: "Default", events: 42, firstAt: new Date(ago(20)).toISOString(), lastAt: new Date(ago(19)).toISOString() }]);
  });
});

describe("a key's page", () => {
  it("shows its latest requests, top paths, client addresses and requests by outcome", async () => {
    const key = { id: readerKey.id, projectId };
    const latest = await latestKeyRequests(key, viewer, 3);
    expect(latest.map((row) => [row.method, row.path, row.ip])).toEqual([
      ["GET", "/invoices", null],
      ["DELETE", "/users/3", null],
      ["GET", "/reports/invoices-2026", null],
    ]);
    const top = await topKeyPaths(key, 2);
    expect(top.sampled).toBe(74);
    expect(top.paths[0]).toMatchObject({ requests: 1, methods: expect.any(Array) });
    const ips = await keyClientIps(readerKey.id);
    expect(ips.map((ip) => [ip.ip, ip.requests])).toEqual([
      ["198.51.100.7", 3],
      ["10.1.2.3", 1],
      ["198.51.100.8", 70],
    ]);
    expect(new Date(ips[0]!.firstSeenAt).getTime()).toBe(ago(60 * 30));
    const chart = await keyRequestChart(readerKey.id, now);
    expect(chart.days).toHaveLength(30);
    expect(chart.hours).toHaveLength(48);
    expect(chart.outcomes).toEqual(["VALID", "FORBIDDEN"]);
    const sum = (buckets: typeof chart.days, outcome: string) => buckets.reduce((total, b) => total + (b.counts[outcome] ?? 0), 0);
    expect(sum(chart.days, "VALID")).toBe(73);
    expect(sum(chart.days, "FORBIDDEN")).toBe(1);
    expect(sum(chart.hours, "VALID")).toBe(73);
  });
});

describe("anomaly badges", () => {
  it("find a new address and a high denied share for a key from what the writer stored", async () => {
    const key = await db.apiKey.findUniqueOrThrow({ where: { id: readerKey.id } });
    // The reader key was first seen 30 hours ago from 198.51.100.7; 10.1.2.3 is new today.
    const anomalies = await keyAnomaliesFor([key], { canSeeIps: true, now });
    const found = anomalies.get(readerKey.id) ?? [];
    expect(found.find((a) => a.kind === "new_ip")).toMatchObject({ kind: "new_ip" });
    const hidden = (await keyAnomaliesFor([key], { canSeeIps: false, now })).get(readerKey.id) ?? [];
    expect(hidden.find((a) => a.kind === "new_ip")).toMatchObject({ ip: null });

    for (let i = 0; i < 30; i++) pushTrailEvent(ago(1), projectId, invoicesKey.id, "REVOKED", "GET", "/x", "203.0.113.50", null, null, null);
    await flushTrail();
    const billing = await db.apiKey.findUniqueOrThrow({ where: { id: invoicesKey.id } });
    const billingAnomalies = (await keyAnomaliesFor([billing], { canSeeIps: true, now })).get(invoicesKey.id) ?? [];
    expect(billingAnomalies).toContainEqual(expect.objectContaining({ kind: "denied_share", denied: 30, total: 31 }));
  });
});
