// RequestEvent is @@ignore'd in the Prisma schema (Prisma cannot model partitioned tables), so
// the drift check skips it; this file checks what the migration must build instead.
import { describe, expect, it } from "vitest";
import { withClient } from "./support/db";

const url = () => process.env.DATABASE_URL ?? "";

describe("the request trail's table", () => {
  it("is partitioned by project, with the columns the writer copies into", async () => {
    await withClient(url(), async (client) => {
      const { rows: part } = await client.query(`SELECT pg_get_partkeydef('"RequestEvent"'::regclass) AS def`);
      expect(part[0]?.def).toBe(`LIST ("projectId")`);
      const { rows: columns } = await client.query(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull", co.collname AS collation
           FROM pg_attribute a LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
          WHERE a.attrelid = '"RequestEvent"'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      );
      expect(columns).toEqual([
        { name: "id", type: "bigint", notNull: true, collation: null },
        { name: "at", type: "timestamp(3) with time zone", notNull: true, collation: null },
        { name: "projectId", type: "uuid", notNull: true, collation: null },
        { name: "keyId", type: "uuid", notNull: false, collation: null },
        { name: "outcome", type: "text", notNull: true, collation: null },
        { name: "method", type: "text", notNull: false, collation: null },
        { name: "path", type: "text", notNull: false, collation: "C" },
        { name: "ip", type: "inet", notNull: false, collation: null },
        { name: "userAgent", type: "text", notNull: false, collation: null },
        { name: "requestId", type: "text", notNull: false, collation: null },
        { name: "matchedConstraint", type: "text", notNull: false, collation: null },
      ]);
    });
  });

  it("has exactly the three indexes the Requests page needs, inherited by every partition", async () => {
    const defs = await withClient(url(), async (client) => {
      const { rows } = await client.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE tablename = 'RequestEvent' ORDER BY indexname`);
      return rows.map((row) => row.indexdef.replace(/^.* USING /, ""));
    });
    expect(defs).toEqual([`btree (at, id)`, `btree ("keyId", at, id)`, `btree (path, method)`]);
  });

  it("manages partitions only through SECURITY DEFINER functions that fix their search path", async () => {
    await withClient(url(), async (client) => {
      const { rows } = await client.query(
        `SELECT proname, prosecdef, proconfig FROM pg_proc WHERE proname LIKE 'keydesk\\_trail\\_%' ORDER BY proname`,
      );
      expect(rows.map((row) => [row.proname, row.prosecdef])).toEqual([
        ["keydesk_trail_apply_retention", true],
        ["keydesk_trail_ensure_partitions", true],
      ]);
      for (const row of rows) expect(row.proconfig).toContain("search_path=pg_catalog, public");
    });
  });
});
