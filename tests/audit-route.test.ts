// POST /api/admin/audit/export as a route handler: who may call it, from where, the download
// headers, and a body that streams the filtered CSV ending with the chain head. The session
// lookup is replaced by a stub (next-auth needs a real request context); everything else,
// database included, is real.
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { CurrentUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { verifyAuditChain } from "@/lib/services/audit-log";
import { context, createUser, seedBase } from "./support/fixtures";

const session = vi.hoisted(() => ({ user: null as CurrentUser | null }));
vi.mock("@/lib/auth/session", () => ({
  getCurrentUser: async () => session.user,
  currentRequestContext: async () => context,
}));

const { GET, POST } = await import("@/app/api/admin/audit/export/route");

let admin: CurrentUser;

beforeAll(async () => {
  const base = await seedBase();
  admin = sessionOf(base.admin);
});

beforeEach(() => {
  session.user = null;
});

/** A signed-in session of `user`, as getCurrentUser would return it. */
const sessionOf = (user: { id: string; email: string; name: string; role: CurrentUser["role"] }): CurrentUser => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  active: true,
  sessionId: "00000000-0000-4000-8000-000000000001",
  reauthenticatedAt: new Date(),
  mustChangePassword: false,
});

/** What the audit page's form sends: a same-origin POST of the filters. */
const exportRequest = (filters: Record<string, string> = {}, headers: Record<string, string> = {}) =>
  new Request("http://localhost:3000/api/admin/audit/export", {
    method: "POST",
    headers: { host: "localhost:3000", origin: "http://localhost:3000", "sec-fetch-site": "same-origin", ...headers },
    body: new URLSearchParams(filters),
  });

describe("POST /api/admin/audit/export", () => {
  it("answers 401 without a session and 403 to managers and viewers, logging nothing", async () => {
    const before = await db.auditEvent.count();
    const anonymous = await POST(exportRequest());
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "unauthorized" } });
    for (const role of ["manager", "viewer"] as const) {
      const user = await createUser(role);
      session.user = sessionOf(user);
      const denied = await POST(exportRequest());
      expect(denied.status).toBe(403);
      expect(await denied.json()).toMatchObject({ error: { code: "forbidden" } });
    }
    expect(await db.auditEvent.count()).toBe(before);
  });

  it("streams the filtered CSV as an uncached attachment ending with the chain head, and logs the export", async () => {
    session.user = admin;
    const response = await POST(exportRequest({ action: "setup.completed", ignored: "1", from: "not-a-date" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="keydesk-audit-${new Date().toISOString().slice(0, 10)}.csv"`,
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.body).toBeInstanceOf(ReadableStream);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 byte-order mark, for spreadsheets
    const lines = new TextDecoder().decode(bytes).split("\r\n");
    expect(lines[0]).toMatch(/^id,time_utc,/);
    expect(lines.slice(1, -1)).toHaveLength(2);
    expect(lines[1]).toContain(",setup.completed,");

    // The export's own event is the head: in the headers, and as the file's last line.
    const logged = await db.auditEvent.findFirstOrThrow({ where: { action: "audit.exported" }, orderBy: { id: "desc" } });
    expect(logged).toMatchObject({ actorUserId: admin.id, ip: context.ip, metadata: { filters: { action: "setup.completed" } } });
    expect(response.headers.get("keydesk-audit-head-id")).toBe(logged.id.toString());
    expect(response.headers.get("keydesk-audit-head-hash")).toBe(logged.hash);
    const trailer = lines[2]!.split(",");
    expect(trailer[0]).toBe("");
    expect(trailer[6]).toBe("audit.chain_head");
    expect(trailer[9]).toBe(logged.id.toString());
    expect(trailer.at(-1)).toBe(logged.hash);
    // What the file says is what Verify integrity can check later.
    await expect(verifyAuditChain({ expectedHead: { id: logged.id.toString(), hash: logged.hash } })).resolves.toMatchObject({ intact: true });
  });

  it("refuses cross-site requests without reading or writing anything", async () => {
    session.user = admin;
    const before = await db.auditEvent.count();
    const attempts: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      { "sec-fetch-site": "same-site", origin: "http://evil.localhost:3000" },
      { "sec-fetch-site": "none" },
      { "sec-fetch-site": "", origin: "https://evil.example" }, // an old browser: Origin only
      { "sec-fetch-site": "", origin: "null" },
    ];
    for (const headers of attempts) {
      const request = exportRequest({}, headers);
      if (headers["sec-fetch-site"] === "") request.headers.delete("sec-fetch-site");
      const response = await POST(request);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: "cross_site" } });
    }
    expect(await db.auditEvent.count()).toBe(before);
  });

  it("refuses GET, so a link or an image elsewhere cannot start an export", async () => {
    session.user = admin;
    const before = await db.auditEvent.count();
    const response = GET();
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await db.auditEvent.count()).toBe(before);
  });
});
