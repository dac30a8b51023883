// Management API calls in the request trail: recorded like verifications (key, outcome, method,
// path, client, matched constraint), and they move the management key's lastUsedAt, which they
// did not before. Unknown keys are counted for the Keydesk API project.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELETE as deleteKey } from "@/app/api/v1/keys/[keyId]/route";
import { GET as listProjects } from "@/app/api/v1/projects/route";
import { db } from "@/lib/db";
import { flushUsage } from "@/lib/keys/usage";
import { INTERNAL_REQUEST_ID_HEADER } from "@/lib/request-id";
import { CLIENT_IP_HEADER } from "@/lib/request-context";
import { createApiKey } from "@/lib/services/api-keys";
import { configureTrailBuffer } from "@/lib/trail/buffer";
import { PostgresTrailSink } from "@/lib/trail/postgres-sink";
import { flushTrail, startTrailWriter, stopTrailWriter } from "@/lib/trail/writer";
import { context, seedBase, userActor } from "./support/fixtures";

const BASE = "http://keydesk.test/api/v1";
let client: pg.Client;
let actor: ReturnType<typeof userActor>;
let systemProjectId: string;
let defaultProjectId: string;

function req(method: string, path: string, key: string, headers: Record<string, string> = {}) {
  return new Request(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "user-agent": "ops-script/1.0", [CLIENT_IP_HEADER]: "192.0.2.44", "x-request-id": "req-77", [INTERNAL_REQUEST_ID_HEADER]: "req-77", ...headers },
  });
}

beforeAll(async () => {
  const base = await seedBase();
  actor = userActor(base.admin);
  defaultProjectId = base.project.id;
  systemProjectId = (await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } })).id;
  configureTrailBuffer({ capacity: 1000, enabled: true });
  startTrailWriter({ sink: new PostgresTrailSink({ connectionString: process.env.DATABASE_URL ?? "" }), intervalMs: 3_600_000, maintenanceIntervalMs: 0, log: () => undefined });
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});

afterAll(async () => {
  await stopTrailWriter({ timeoutMs: 1000 });
  await client.end();
});

describe("management calls", () => {
  it("record which management key deleted a key, from where, and set its lastUsedAt", async () => {
    const mgmt = await createApiKey(actor, { projectId: systemProjectId, name: "Cleanup bot", expiry: "30d", constraints: [{ type: "prefix", value: "/keys", methods: ["DELETE"] }] }, context);
    const victim = await createApiKey(actor, { projectId: defaultProjectId, name: "Victim", expiry: "30d", constraints: [] }, context);
    const response = await deleteKey(req("DELETE", `/keys/${victim.publicId}`, mgmt.secret), { params: Promise.resolve({ keyId: victim.publicId }) });
    expect(response.status).toBe(200);
    // Its constraints allow only DELETE under /keys: listing projects is refused and recorded.
    expect((await listProjects(req("GET", "/projects", mgmt.secret))).status).toBe(403);

    await flushTrail();
    await flushUsage();
    const { rows } = await client.query(
      `SELECT "outcome", "method", "path", host("ip") AS ip, "userAgent", "requestId", "matchedConstraint", "projectId"
         FROM "RequestEvent" WHERE "keyId" = $1 ORDER BY "at", "id"`,
      [mgmt.id],
    );
    expect(rows).toEqual([
      { outcome: "VALID", method: "DELETE", path: `/api/v1/keys/${victim.publicId}`, ip: "192.0.2.44", userAgent: "ops-script/1.0", requestId: "req-77", matchedConstraint: "prefix /keys (DELETE)", projectId: systemProjectId },
      { outcome: "FORBIDDEN", method: "GET", path: "/api/v1/projects", ip: "192.0.2.44", userAgent: "ops-script/1.0", requestId: "req-77", matchedConstraint: null, projectId: systemProjectId },
    ]);
    const key = await db.apiKey.findUniqueOrThrow({ where: { id: mgmt.id }, select: { lastUsedAt: true } });
    expect(key.lastUsedAt).not.toBeNull();
  });

  it("count calls with unknown or malformed keys for the Keydesk API project", async () => {
    expect((await listProjects(req("GET", "/projects", "kdm_not-a-key"))).status).toBe(401);
    await flushTrail();
    const { rows } = await client.query(`SELECT sum("count")::int AS n FROM "ProjectRequestHourly" WHERE "projectId" = $1 AND "outcome" = 'MALFORMED'`, [systemProjectId]);
    expect(rows[0]?.n).toBe(1);
  });
});
