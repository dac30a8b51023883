// POST /api/v1/keys/leaked through its real route handler on a real PostgreSQL: identical
// answers whatever the secrets, per-project policy, what is recorded (never the secret), the
// events and alert mail it raises, bad input, and the per-client rate limit. Also the scanner
// rules that help find leaks in the first place.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as reportLeaked } from "@/app/api/v1/keys/leaked/route";
import { GET as scannerRules } from "@/app/api/v1/scanner-rules/route";
import { db } from "@/lib/db";
import { generateSecret, hashSecret } from "@/lib/keys/secret";
import { verifyKey } from "@/lib/keys/verify";
import { dispatchOutbox } from "@/lib/notifications/dispatcher";
import { sendDueMail } from "@/lib/notifications/mail/queue";
import { createApiKey } from "@/lib/services/api-keys";
import { processLeakReports } from "@/lib/services/leak-reports";
import { context, createProject, seedBase, userActor } from "./support/fixtures";
import { startSmtp, type TestSmtp } from "./support/smtp";

let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let ipCounter = 0;

function post(body: unknown, ip = `203.0.113.${(ipCounter += 1) % 250}`) {
  return reportLeaked(
    new Request("http://keydesk.test/api/v1/keys/leaked", {
      method: "POST",
      headers: { "content-type": "application/json", "x-keydesk-client-ip": ip },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

async function answer(response: Response) {
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

async function newKey(projectId: string, name: string) {
  return createApiKey(userActor(admin), { projectId, name, expiry: "30d" }, context);
}

beforeAll(async () => {
  ({ admin } = await seedBase());
});

describe("POST /api/v1/keys/leaked", () => {
  it("answers existing, unknown and malformed secrets identically, and stores no secret", async () => {
    const project = await createProject();
    const key = await newKey(project.id, "Leaky");
    const unknown = generateSecret(project.keyPrefix).secret;
    const answers = [
      await answer(await post({ credentials: [{ token: key.secret, url: "https://github.com/acme/app/blob/main/.env" }] })),
      await answer(await post({ credentials: [{ token: unknown, url: "https://github.com/acme/app/blob/main/.env" }] })),
      await answer(await post({ credentials: [{ token: "definitely-not-a-key", url: "https://github.com/acme/app/blob/main/.env" }] })),
    ];
    expect(answers[0]).toEqual({ status: 202, type: "application/json", text: '{"received":1}' });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);

    const stored = await db.leakReport.findMany();
    expect(JSON.stringify(stored)).not.toContain(key.secret);
    expect(JSON.stringify(stored)).not.toContain(unknown);
    expect(stored.map((r) => r.tokenHash).sort()).toEqual([hashSecret(key.secret), hashSecret(unknown)].sort());

    await processLeakReports();
    const reports = await db.leakReport.findMany();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ keyId: key.id, url: "https://github.com/acme/app/blob/main/.env", action: "revoked" });
    expect(reports[0]!.reporterIp).toMatch(/^203\.0\.113\./);
  });

  it("revokes at once by default: the key stops verifying, and key.leaked and key.revoked are raised", async () => {
    const project = await createProject();
    const key = await newKey(project.id, "Pushed to GitHub");
    expect((await verifyKey({ key: key.secret, project: project.id })).body).toMatchObject({ code: "VALID" });
    await post({ credentials: [{ token: key.secret, url: "https://gist.github.com/x" }] });
    await processLeakReports();

    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.revokedAt).not.toBeNull();
    expect(row.leakedAt).not.toBeNull();
    expect((await verifyKey({ key: key.secret, project: project.id })).body).toMatchObject({ valid: false, code: "REVOKED" });

    const events = await db.outboxEvent.findMany({ where: { keyId: key.id }, orderBy: { id: "asc" } });
    const leaked = events.find((e) => e.type === "key.leaked");
    expect(JSON.parse(leaked!.body)).toMatchObject({
      type: "key.leaked",
      data: { url: "https://gist.github.com/x", action: "revoked", key: { id: key.publicId, leaked: true }, actor: { type: "anonymous" } },
    });
    expect(JSON.parse(events.find((e) => e.type === "key.revoked")!.body)).toMatchObject({ data: { via: "leak_report" } });
    const audit = await db.auditEvent.findMany({ where: { keyId: key.id, action: { in: ["key.leaked", "key.revoked"] } } });
    expect(audit.map((a) => a.action).sort()).toEqual(["key.leaked", "key.revoked"]);

    // A second report of the same key records it again but changes nothing else.
    await post({ credentials: [{ token: key.secret, url: "https://pastebin.example/abc" }] });
    await processLeakReports();
    expect(await db.leakReport.count({ where: { keyId: key.id } })).toBe(2);
    expect((await db.leakReport.findFirstOrThrow({ where: { keyId: key.id, url: "https://pastebin.example/abc" } })).action).toBe("already_revoked");
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).toEqual(row.revokedAt);
  });

  it("with the project policy \"report\", marks the key reported leaked and leaves it working", async () => {
    const project = await createProject();
    await db.project.update({ where: { id: project.id }, data: { leakPolicy: "report" } });
    const key = await newKey(project.id, "Decide later");
    await post({ credentials: [{ token: key.secret }] });
    await processLeakReports();
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.revokedAt).toBeNull();
    expect(row.leakedAt).not.toBeNull();
    expect((await verifyKey({ key: key.secret, project: project.id })).body).toMatchObject({ code: "VALID" });
    expect(await db.leakReport.findFirstOrThrow({ where: { keyId: key.id } })).toMatchObject({ action: "reported", url: null });
    expect(await db.outboxEvent.count({ where: { keyId: key.id, type: "key.revoked" } })).toBe(0);
  });

  it("refuses bad input with clear errors and stores nothing", async () => {
    const before = await db.leakReport.count();
    const token = generateSecret("kd").secret;
    const cases: [unknown, number, RegExp][] = [
      ["not json", 400, /not valid JSON/],
      [[{ token }], 422, /JSON object/],
      [{}, 422, /credentials/],
      [{ credentials: [] }, 422, /at least one/],
      [{ credentials: "kd_x" }, 422, /credentials/],
      [{ credentials: [{ url: "https://x" }] }, 422, /token/],
      [{ credentials: [{ token: 42 }] }, 422, /token/],
      [{ credentials: [{ token, url: "https://x\u0000y" }] }, 422, /control/],
      [{ credentials: Array.from({ length: 101 }, () => ({ token })) }, 422, /at most 100/],
      [{ credentials: [{ token: "x".repeat(600) }] }, 422, /at most 512/],
      [{ credentials: [{ token, url: "u".repeat(310 * 1024) }] }, 413, /limited to/],
    ];
    for (const [body, status, message] of cases) {
      const response = await post(body);
      const json = (await response.json()) as { error: { code: string; message: string } };
      expect([response.status, json.error.message]).toEqual([status, expect.stringMatching(message)]);
    }
    expect(await db.leakReport.count()).toBe(before);
    // 100 is fine.
    expect((await post({ credentials: Array.from({ length: 100 }, () => ({ token })) })).status).toBe(202);
  });

  it("rate-limits each client and says when to retry", async () => {
    const body = { credentials: [{ token: "nothing" }] };
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) statuses.push((await post(body, "198.51.100.77")).status);
    expect(statuses.slice(0, 30).every((s) => s === 202)).toBe(true);
    const limited = await post(body, "198.51.100.77");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect((await post(body, "198.51.100.78")).status).toBe(202);
  });
});

describe("leak alert mail", () => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await smtp.close();
    delete process.env.SMTP_URL;
    delete process.env.KEYDESK_MAIL_FROM;
  });

  it("mails the administrators at once, quoting the reported URL as text, never as a link", async () => {
    process.env.SMTP_URL = smtp.url;
    process.env.KEYDESK_MAIL_FROM = "keydesk@example.test";
    const project = await createProject();
    const key = await newKey(project.id, "Alerted");
    const url = 'https://evil.example/<script>alert(1)</script>"onmouseover=x';
    await post({ credentials: [{ token: key.secret, url }] });
    await dispatchOutbox();
    while ((await processLeakReports()) > 0);
    await dispatchOutbox();
    while ((await sendDueMail()) > 0);
    const mail = smtp.received.find((m) => m.parsed.subject === 'Key "Alerted" was reported leaked');
    expect(mail?.to).toEqual([admin.email]);
    expect(mail!.parsed.text).toContain(url);
    expect(mail!.parsed.text).toMatch(/revoked it at once/);
    expect(mail!.parsed.html).not.toContain("<script>");
    expect(mail!.parsed.html).toContain("&lt;script&gt;");
    expect(mail!.parsed.html).not.toMatch(/href="https:\/\/evil/);
  });
});

describe("GET /api/v1/scanner-rules", () => {
  const get = (query: string) => scannerRules(new Request(`http://keydesk.test/api/v1/scanner-rules${query}`));

  it("returns gitleaks and trufflehog rules whose patterns find this installation's keys", async () => {
    const project = await createProject();
    const key = await newKey(project.id, "Scannable");
    for (const format of ["gitleaks", "trufflehog"]) {
      const response = await get(`?format=${format}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(format === "gitleaks" ? /toml/ : /yaml/);
      const text = await response.text();
      const patterns = [...text.matchAll(format === "gitleaks" ? /regex = '''(.+)'''/g : /key: '(.+)'/g)].map((m) => new RegExp(m[1]!));
      expect(patterns.length).toBeGreaterThanOrEqual(3);
      const found = patterns.filter((p) => p.test(`API_KEY=${key.secret}\n`));
      expect(found).toHaveLength(1);
      expect(patterns.some((p) => p.test(`${project.keyPrefix}_short`))).toBe(false);
      expect(text).toContain(`${project.keyPrefix}_`);
      expect(text).not.toContain(project.name);
    }
    const gitleaks = await (await get("?format=gitleaks")).text();
    expect(gitleaks).toMatch(/\[extend\]\nuseDefault = true/);
    expect(gitleaks).toContain('id = "keydesk-kd"');
  });

  it("asks for a format", async () => {
    for (const query of ["", "?format=yaml"]) {
      const response = await get(query);
      expect(response.status).toBe(422);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/gitleaks or \?format=trufflehog/);
    }
  });
});
