// The webhook REST API through its real route handlers: management keys of administrators only,
// the secret in the create and rotate responses only, the delivery log, and the OpenAPI document
// that describes every event body. Every answer is checked against the document (./support/contract.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as deliveryRoutes from "@/app/api/v1/webhooks/[endpointId]/deliveries/route";
import * as redeliverRoutes from "@/app/api/v1/webhooks/[endpointId]/deliveries/[deliveryId]/redeliver/route";
import * as rotateRoutes from "@/app/api/v1/webhooks/[endpointId]/rotate-secret/route";
import * as endpointRoutes from "@/app/api/v1/webhooks/[endpointId]/route";
import * as testRoutes from "@/app/api/v1/webhooks/[endpointId]/test/route";
import * as webhookRoutes from "@/app/api/v1/webhooks/route";
import * as openApiRoutes from "@/app/api/v1/openapi.json/route";
import { db } from "@/lib/db";
import { deliverDue } from "@/lib/notifications/deliveries";
import { createApiKey } from "@/lib/services/api-keys";
import { contractChecked } from "./support/contract";
import { context, createUser, seedBase, userActor } from "./support/fixtures";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver";

const getDeliveries = contractChecked(deliveryRoutes.GET);
const redeliver = contractChecked(redeliverRoutes.POST);
const rotate = contractChecked(rotateRoutes.POST);
const getEndpoint = contractChecked(endpointRoutes.GET);
const patchEndpoint = contractChecked(endpointRoutes.PATCH);
const deleteEndpoint = contractChecked(endpointRoutes.DELETE);
const sendTest = contractChecked(testRoutes.POST);
const listEndpoints = contractChecked(webhookRoutes.GET);
const createEndpoint = contractChecked(webhookRoutes.POST);
const openapi = contractChecked(openApiRoutes.GET);

const BASE = "http://keydesk.test/api/v1";
let adminKey: string;
let viewerKey: string;
let receiver: WebhookReceiver;

function req(method: string, path: string, key: string | undefined, body?: unknown) {
  return new Request(`${BASE}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
const p = <T extends Record<string, string>>(params: T) => ({ params: Promise.resolve(params) });
type Body = Record<string, unknown> & { error?: { code: string; message: string; issues?: Record<string, string[]> } };
const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as Body });

beforeAll(async () => {
  process.env.KEYDESK_WEBHOOK_ALLOW_PRIVATE = "1";
  const { admin } = await seedBase();
  const system = await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } });
  adminKey = (await createApiKey(userActor(admin), { projectId: system.id, name: "webhook admin", expiry: "30d" }, context)).secret;
  const viewer = await createUser("viewer");
  const created = await createApiKey(userActor(admin), { projectId: system.id, name: "webhook viewer", expiry: "30d" }, context);
  await db.apiKey.update({ where: { id: created.id }, data: { createdById: viewer.id } });
  viewerKey = created.secret;
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  delete process.env.KEYDESK_WEBHOOK_ALLOW_PRIVATE;
  await receiver.close();
});

describe("webhook endpoints over REST", () => {
  it("creates, reads, edits, tests, logs, redelivers, rotates and deletes", async () => {
    const created = await json(await createEndpoint(req("POST", "/webhooks", adminKey, { url: receiver.url, eventTypes: ["key.revoked"], projectId: "default" })));
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    const endpoint = created.body.endpoint as { id: string; projectId: string; enabled: boolean };
    expect(endpoint.projectId).toBe((await db.project.findUniqueOrThrow({ where: { slug: "default" } })).id);
    expect(endpoint.enabled).toBe(true);

    const listed = await json(await listEndpoints(req("GET", "/webhooks", adminKey)));
    expect(JSON.stringify(listed.body)).not.toContain(String(created.body.secret));
    expect(JSON.stringify((await json(await getEndpoint(req("GET", `/webhooks/${endpoint.id}`, adminKey), p({ endpointId: endpoint.id })))).body)).not.toContain("whsec_");

    const patched = await json(await patchEndpoint(req("PATCH", `/webhooks/${endpoint.id}`, adminKey, { eventTypes: ["key.created", "key.revoked"], projectId: null }), p({ endpointId: endpoint.id })));
    expect(patched.body.endpoint).toMatchObject({ eventTypes: ["key.created", "key.revoked"], projectId: null });

    const test = await json(await sendTest(req("POST", `/webhooks/${endpoint.id}/test`, adminKey), p({ endpointId: endpoint.id })));
    expect(test.status).toBe(202);
    await deliverDue({ allowPrivate: true });
    const log = await json(await getDeliveries(req("GET", `/webhooks/${endpoint.id}/deliveries`, adminKey), p({ endpointId: endpoint.id })));
    const [first] = log.body.deliveries as { id: string; eventType: string; status: string; responseStatus: number; attempts: number; body: string; attemptLog: unknown[] }[];
    expect(first).toMatchObject({ eventType: "webhook.test", status: "succeeded", responseStatus: 200, attempts: 1 });
    expect(JSON.parse(first!.body)).toMatchObject({ type: "webhook.test" });
    expect(first!.attemptLog).toHaveLength(1);

    const again = await json(await redeliver(req("POST", `/webhooks/${endpoint.id}/deliveries/${first!.id}/redeliver`, adminKey), p({ endpointId: endpoint.id, deliveryId: first!.id })));
    expect(again.status).toBe(202);
    expect((await json(await getDeliveries(req("GET", `/webhooks/${endpoint.id}/deliveries?status=pending`, adminKey), p({ endpointId: endpoint.id })))).body.deliveries).toHaveLength(1);

    const rotated = await json(await rotate(req("POST", `/webhooks/${endpoint.id}/rotate-secret`, adminKey, { overlap: "none" }), p({ endpointId: endpoint.id })));
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(rotated.body.endpoint).toMatchObject({ previousSecretExpiresAt: null });
    expect((rotated.body.endpoint as { secretRotatedAt: string | null }).secretRotatedAt).not.toBeNull();

    const deleted = await json(await deleteEndpoint(req("DELETE", `/webhooks/${endpoint.id}`, adminKey), p({ endpointId: endpoint.id })));
    expect(deleted.body.deleted).toBe(true);
    expect(await db.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(0);
    expect((await getEndpoint(req("GET", `/webhooks/${endpoint.id}`, adminKey), p({ endpointId: endpoint.id }))).status).toBe(404);
  });

  it("refuses viewers, anonymous callers and bad input with the one error shape", async () => {
    expect((await listEndpoints(req("GET", "/webhooks", undefined))).status).toBe(401);
    const denied = await json(await createEndpoint(req("POST", "/webhooks", viewerKey, { url: receiver.url, eventTypes: ["key.revoked"] })));
    expect(denied.status).toBe(403);
    for (const [body, field] of [
      [{ url: receiver.url, eventTypes: ["nope"] }, "eventTypes"],
      [{ url: receiver.url }, "eventTypes"],
      [{ url: "file:///etc/passwd", eventTypes: ["key.revoked"] }, "url"],
      [{ url: receiver.url, eventTypes: ["key.revoked"], projectId: "no-such-project" }, "projectId"],
      [{ url: receiver.url, eventTypes: ["key.revoked"], projectId: 7 }, "projectId"],
    ] as const) {
      const refused = await json(await createEndpoint(req("POST", "/webhooks", adminKey, body)));
      expect(refused.status).toBe(422);
      expect(refused.body.error?.issues?.[field]?.[0]).toBeTruthy();
    }
    expect((await getEndpoint(req("GET", "/webhooks/not-a-uuid", adminKey), p({ endpointId: "not-a-uuid" }))).status).toBe(404);
  });

  it("documents every event body under `webhooks` in the OpenAPI document", async () => {
    const doc = (await (await openapi(new Request(`${BASE}/openapi.json`))).json()) as {
      paths: Record<string, unknown>;
      webhooks: Record<string, { post: { requestBody: { content: { "application/json": { schema: { properties: Record<string, { properties?: Record<string, unknown> }> } } } } } }>;
    };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/webhooks", "/api/v1/keys/leaked", "/api/v1/scanner-rules", "/api/v1/webhooks/{endpointId}/deliveries"]));
    for (const type of ["key.created", "key.revoked", "key.rolled", "key.disabled", "key.enabled", "key.expiring", "key.expired", "key.leaked", "key.canary_used", "webhook.test"]) {
      expect(doc.webhooks[type], type).toBeDefined();
    }
    const revoked = doc.webhooks["key.revoked"]!.post.requestBody.content["application/json"].schema;
    expect(Object.keys(revoked.properties)).toEqual(["type", "timestamp", "data"]);
    expect(Object.keys(revoked.properties.data!.properties!)).toEqual(expect.arrayContaining(["key", "project", "actor", "via"]));
  });
});
