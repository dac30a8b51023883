// A key's activity on its detail page: administrators see it as the audit log shows it; managers
// and viewers, who may not read the audit log, see no IP addresses and no email addresses.
import { beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { getApiKeyDetail } from "@/lib/queries/api-keys";
import { withoutEmails } from "@/lib/queries/key-activity";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { context, createUser, seedBase, userActor } from "./support/fixtures";

let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let publicId: string;

beforeAll(async () => {
  const base = await seedBase();
  admin = base.admin;
  const key = await createApiKey(userActor(admin), { projectId: base.project.id, name: "Watched key", expiry: "30d" }, context);
  publicId = key.publicId;
  // Events about a key can carry emails in their text too (e.g. a failed attempt naming one).
  await db.$transaction((tx) =>
    recordAudit(tx, {
      actor: { type: "anonymous", label: "mallory@evil.example" },
      action: "api.denied",
      summary: "Refused a request from mallory@evil.example with this key",
      keyId: key.id,
      context: { ip: "203.0.113.77", userAgent: "curl/8" },
    }),
  );
  await revokeApiKey(userActor(admin), { keyId: key.publicId }, context);
});

describe("a key's activity", () => {
  it("shows administrators who acted and from where", async () => {
    const detail = await getApiKeyDetail(publicId, admin);
    expect(detail!.events.map((e) => [e.action, e.actorLabel, e.ip, e.redacted])).toEqual([
      ["key.revoked", admin.email, context.ip, false],
      ["api.denied", "mallory@evil.example", "203.0.113.77", false],
      ["key.created", admin.email, context.ip, false],
    ]);
    expect(detail!.createdBy).toEqual({ name: admin.name, email: admin.email });
  });

  it.each(["manager", "viewer"] as const)("shows a %s no IP address and no email address", async (role) => {
    const person = await createUser(role);
    const detail = await getApiKeyDetail(publicId, person);
    expect(detail!.events.map((e) => [e.action, e.actorLabel, e.ip, e.redacted])).toEqual([
      ["key.revoked", admin.name, null, true],
      ["api.denied", "Someone not signed in", null, true],
      ["key.created", admin.name, null, true],
    ]);
    expect(detail!.events[1]!.summary).toBe("Refused a request from [email hidden] with this key");
    expect(detail!.createdBy).toEqual({ name: admin.name, email: "" });
    expect(detail!.revokedBy).toEqual({ name: admin.name, email: "" });
    const shown = JSON.stringify(detail!.events) + JSON.stringify([detail!.createdBy, detail!.revokedBy]);
    expect(shown).not.toMatch(/@|203\.0\.113|198\.51\.100/);
  });

  it("finds emails wherever they stand in a text", () => {
    expect(withoutEmails("a.b+c@x.example, (d@y.example); <e@z.example>")).toBe("[email hidden], ([email hidden]); <[email hidden]>");
    expect(withoutEmails("no address here @ all")).toBe("no address here @ all");
  });
});
