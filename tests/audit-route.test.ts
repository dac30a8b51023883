// GET /api/admin/audit/export as a route handler: who may call it, the download headers, and a
// body that streams the filtered CSV. The session lookup is replaced by a stub (next-auth needs a
// real request context); everything else, database included, is real.
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { CurrentUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { context, createUser, seedBase } from "./support/fixtures";

const session = vi.hoisted(() => ({ user: null as CurrentUser | null }));
vi.mock("@/lib/auth/session", () => ({
  getCurrentUser: async () => session.user,
  currentRequestContext: async () => context,
}));

const { GET } = await import("@/app/api/admin/audit/export/route");

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

const exportRequest = (query = "") => new Request(`http://localhost/api/admin/audit/export${query}`);

describe("GET /api/admin/audit/export", () => {
  it("answers 401 without a session and 403 to managers and viewers, logging nothing", async () => {
    const before = await db.auditEvent.count();
    const anonymous = await GET(exportRequest());
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "unauthorized" } });
    for (const role of ["manager", "viewer"] as const) {
      const user = await createUser(role);
      session.user = sessionOf(user);
      const denied = await GET(exportRequest());
      expect(denied.status).toBe(403);
      expect(await denied.json()).toMatchObject({ error: { code: "forbidden" } });
    }
    expect(await db.auditEvent.count()).toBe(before);
  });

  it("streams the filtered CSV as an uncached attachment, and logs the export", async () => {
    session.user = admin;
    const response = await GET(exportRequest("?action=setup.completed&ignored=1&from=not-a-date"));
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
    expect(lines.slice(1, -1)).toHaveLength(1);
    expect(lines[1]).toContain(",setup.completed,");

    const logged = await db.auditEvent.findFirstOrThrow({ where: { action: "audit.exported" }, orderBy: { id: "desc" } });
    expect(logged).toMatchObject({ actorUserId: admin.id, ip: context.ip, metadata: { filters: { action: "setup.completed" } } });
  });
});
