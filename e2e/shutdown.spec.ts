// SIGTERM under load: Keydesk stops accepting connections, finishes what is in flight, flushes
// and exits cleanly; after a restart every write it acknowledged is there, and nothing else.
import { expect, test } from "@playwright/test";
import { rememberSecret } from "./support/secrets";
import { OWN_ADMIN, startOwnKeydesk, type OwnKeydesk } from "./support/own-server";

test.describe.configure({ mode: "serial", timeout: 180_000 });

let own: OwnKeydesk;

test.beforeAll(async () => {
  own = await startOwnKeydesk();
});

test.afterAll(async () => {
  await own?.dispose();
});

type Outcome = { kind: "create"; name: string; status: number; id?: string; secret?: string } | { kind: "revoke"; id: string; status: number };

test("every acknowledged create and revoke survives a SIGTERM under load", async () => {
  await own.query(`UPDATE "Project" SET "activeKeyLimit" = 1000 WHERE "slug" = 'default'`);
  const management = await own.insertKey("Driver", "keydesk-api", OWN_ADMIN.email);
  const auth = { authorization: `Bearer ${management}`, "content-type": "application/json" };
  for (let i = 0; i < 40; i++) await own.insertKey(`Victim ${i}`);
  const victims = await own.query<{ publicId: string }>(`SELECT "publicId" FROM "ApiKey" WHERE "name" LIKE 'Victim %'`);

  const outcomes: Outcome[] = [];
  const send = async (request: () => Promise<Outcome>) => {
    try {
      outcomes.push(await request());
    } catch {
      // Refused or reset by the stopping server: not acknowledged, so it may or may not exist.
    }
  };
  const creates = Array.from({ length: 80 }, (_, i) => async (): Promise<Outcome> => {
    const name = `Load ${i}`;
    const response = await fetch(`${own.base}/api/v1/projects/default/keys`, { method: "POST", headers: auth, body: JSON.stringify({ name }) });
    const body = (await response.json()) as { key?: { id: string }; secret?: string };
    if (body.secret) rememberSecret(body.secret);
    return { kind: "create", name, status: response.status, id: body.key?.id, secret: body.secret };
  });
  const revokes = victims.map(({ publicId }) => async (): Promise<Outcome> => {
    const response = await fetch(`${own.base}/api/v1/keys/${publicId}`, { method: "DELETE", headers: auth });
    return { kind: "revoke", id: publicId, status: response.status };
  });

  // Eight workers keep requests in flight; SIGTERM lands in the middle of them.
  const queue = [...creates, ...revokes].sort(() => Math.random() - 0.5);
  const workers = Array.from({ length: 8 }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await send(next);
  });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const exitCode = own.stopServer("SIGTERM");
  await Promise.all(workers);
  expect(await exitCode).toBe(0);
  expect(own.logs.join("")).toContain("stopped");

  const acknowledged = outcomes.filter((o) => o.status >= 200 && o.status < 300);
  expect(acknowledged.length, "some requests completed before the shutdown").toBeGreaterThan(5);
  expect(outcomes.every((o) => o.status < 500), "no request failed with a 5xx").toBe(true);

  const created = acknowledged.filter((o): o is Extract<Outcome, { kind: "create" }> => o.kind === "create");
  const revoked = acknowledged.filter((o) => o.kind === "revoke");
  const rows = await own.query<{ publicId: string; name: string; revoked: boolean }>(
    `SELECT "publicId", "name", "revokedAt" IS NOT NULL AS revoked FROM "ApiKey"`,
  );
  const byId = new Map(rows.map((r) => [r.publicId, r]));
  for (const c of created) expect(byId.get(c.id!)?.name).toBe(c.name);
  for (const r of revoked) expect(byId.get(r.id)?.revoked).toBe(true);
  // Every key that exists has its creation in the audit log: no half-applied writes.
  const unaudited = await own.query(`SELECT k."publicId" FROM "ApiKey" k WHERE NOT EXISTS (SELECT 1 FROM "AuditEvent" e WHERE e."keyId" = k."id" AND e."action" = 'key.created') AND k."name" LIKE 'Load %'`);
  expect(unaudited).toEqual([]);
  // The request trail was written before the process exited: every acknowledged call's event.
  const [events] = await own.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "RequestEvent" e JOIN "ApiKey" k ON k."id" = e."keyId" WHERE k."name" = 'Driver' AND e."outcome" = 'VALID'`,
  );
  expect(events!.n).toBeGreaterThanOrEqual(acknowledged.length);
  expect(events!.n).toBeLessThanOrEqual(creates.length + revokes.length);

  // After a restart the acknowledged state is what verification sees.
  await own.startServer();
  const verify = async (key: string) =>
    ((await (await fetch(`${own.base}/api/v1/keys/verify`, { method: "POST", body: JSON.stringify({ key, project: "default" }) })).json()) as { code: string }).code;
  for (const c of created.slice(0, 5)) expect(await verify(c.secret!)).toBe("VALID");
});
