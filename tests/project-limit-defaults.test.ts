// Admin → Projects: the usage limits new keys get by default, as the form submits them (JSON
// fields), their validation (nothing changes on bad input), the audit trail with old and new
// values, and how the REST API and the projects list show them.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { serializeProject } from "@/lib/api/serialize";
import { listProjectsPage } from "@/lib/queries/management";
import { listProjects } from "@/lib/queries/projects";
import { ServiceError } from "@/lib/services/errors";
import { createProject, updateProject } from "@/lib/services/projects";
import { context, seedBase, userActor } from "./support/fixtures";

let actor: ReturnType<typeof userActor>;
let counter = 0;

beforeAll(async () => {
  actor = userActor((await seedBase()).admin);
});

function settings(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return { name: `Metered ${counter}`, keyPrefix: `mt${counter}`, activeKeyLimit: "20", maxLifetimeDays: "unlimited", allowNoExpiry: "on", ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

const RATELIMITS = '[{"limit":100,"duration":60000},{"name":"daily","limit":5000,"duration":86400000}]';
const CREDITS = '{"remaining":10000,"refill":{"interval":"monthly","amount":10000,"refillDay":31}}';

describe("project defaults for usage limits", () => {
  it("are saved from the form's JSON fields and shown by the list and the REST API", async () => {
    const project = await createProject(actor, settings({ defaultRatelimits: RATELIMITS, defaultCredits: CREDITS, capLimitsAtDefaults: "on" }), context);
    const row = (await listProjects()).find((p) => p.id === project.id);
    expect(row).toMatchObject({
      defaultRatelimits: [
        { name: "1m", limit: 100, durationMs: 60_000 },
        { name: "daily", limit: 5_000, durationMs: 86_400_000 },
      ],
      defaultCredits: { remaining: 10_000, refill: { interval: "monthly", amount: 10_000, refillDay: 31 } },
      capLimitsAtDefaults: true,
    });
    const rest = (await listProjectsPage("all", 100, null)).items.map(serializeProject).find((p) => p.id === project.id);
    expect(rest).toMatchObject({
      defaultRatelimits: [
        { name: "1m", limit: 100, duration: 60_000 },
        { name: "daily", limit: 5_000, duration: 86_400_000 },
      ],
      defaultCredits: { remaining: 10_000, refill: { interval: "monthly", amount: 10_000, refillDay: 31 } },
      capLimitsAtDefaults: true,
    });
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "project.created", targetId: project.id } });
    expect(event.metadata).toMatchObject({ defaultRatelimits: [{ name: "1m", limit: 100, duration: 60_000 }, { name: "daily" }], capLimitsAtDefaults: true });
  });

  it("a project without them has none, and keys may set their own", async () => {
    const project = await createProject(actor, settings(), context);
    expect((await listProjects()).find((p) => p.id === project.id)).toMatchObject({ defaultRatelimits: [], defaultCredits: null, capLimitsAtDefaults: false });
  });

  it("refuses bad limits with field errors and changes nothing", async () => {
    const before = await db.project.count();
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ defaultRatelimits: '[{"limit":0,"duration":1000}]' }, "defaultRatelimits", /Rate limit 1: Limit must be a whole number/],
      [{ defaultRatelimits: '[{"limit":5,"duration":500}]' }, "defaultRatelimits", /Duration \(milliseconds\) must be a whole number from 1,000 to 86,400,000/],
      [{ defaultRatelimits: '[{"limit":2.5,"duration":1000}]' }, "defaultRatelimits", /whole number/],
      [{ defaultRatelimits: "[{" }, "defaultRatelimits", /Malformed/],
      [{ defaultCredits: '{"remaining":-5}' }, "defaultCredits", /Remaining credits must be a whole number/],
      [{ defaultCredits: '{"remaining":5,"refill":{"interval":"monthly","amount":5,"refillDay":32}}' }, "defaultCredits", /Refill day must be a whole number from 1 to 31/],
      [{ defaultCredits: '{"remaining":5,"refill":{"interval":"monthly","amount":5,"refillDay":0}}' }, "defaultCredits", /Refill day/],
      [{ defaultCredits: '{"remaining":5,"refill":{"interval":"daily","amount":5,"refillDay":3}}' }, "defaultCredits", /monthly refills only/],
    ];
    for (const [overrides, field, message] of cases) {
      const error = await failure(createProject(actor, settings(overrides), context));
      expect(error.code).toBe("invalid");
      expect(error.fieldErrors?.[field]?.join(" ")).toMatch(message);
    }
    expect(await db.project.count()).toBe(before);
  });

  it("an edit is audited with the old and the new values; an edit that changes nothing is not", async () => {
    const project = await createProject(actor, settings({ defaultRatelimits: '[{"limit":10,"duration":1000}]' }), context);
    const edit = (overrides: Record<string, unknown>) =>
      updateProject(actor, project.id, { ...settings(), name: project.name, keyPrefix: project.keyPrefix, slug: project.slug, ...overrides }, context);
    const { changed } = await edit({ defaultRatelimits: '[{"limit":20,"duration":1000}]', defaultCredits: '{"remaining":50}' });
    expect(changed).toEqual(["defaultRatelimits", "defaultCredits"]);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "project.updated", targetId: project.id }, orderBy: { id: "desc" } });
    expect(event.metadata).toEqual({
      changes: {
        defaultRatelimits: { from: [{ name: "1s", limit: 10, duration: 1_000 }], to: [{ name: "1s", limit: 20, duration: 1_000 }] },
        defaultCredits: { from: null, to: { remaining: 50, refill: null } },
      },
    });
    // The same values again (key order in JSON does not matter): nothing to save.
    const again = await edit({ defaultRatelimits: '[{"duration":1000,"limit":20,"name":"1s"}]', defaultCredits: '{"refill":null,"remaining":50}' });
    expect(again.changed).toEqual([]);
    // Removing the credits stores SQL NULL.
    await edit({ defaultRatelimits: "[]", defaultCredits: "null" });
    expect(await db.project.findUniqueOrThrow({ where: { id: project.id }, select: { defaultRatelimits: true, defaultCredits: true } })).toEqual({
      defaultRatelimits: [],
      defaultCredits: null,
    });
  });
});
