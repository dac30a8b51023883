// The hand-written migrations must build exactly the database prisma/schema.prisma describes
// (Prisma Client is generated from the schema, not from the database). Also covers the parts of
// the initial migration that the schema cannot express: checks, trigram indexes, the audit trigger.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import internals from "@prisma/internals";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "@/lib/db/migrator";
import { createFreshDatabase, withClient } from "./support/db";
import { compareSchema, loadLiveSchema, type Dmmf, type LiveSchema } from "./support/schema-drift";

const { getDMMF } = internals; // @prisma/internals is CommonJS
const SCHEMA = fileURLToPath(new URL("../prisma/schema.prisma", import.meta.url));
const MIGRATIONS = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
const INIT = "20261122000000_init";

let dmmf: Dmmf;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  dmmf = await getDMMF({ datamodel: await fs.readFile(SCHEMA, "utf8") });
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** Migrate an empty database from `migrationsDir` and read its schema back. */
async function liveSchemaOf(migrationsDir: string): Promise<LiveSchema> {
  const database = await createFreshDatabase({ migrated: false, prefix: "drift" });
  cleanups.push(database.drop);
  await migrate(database.url, { migrationsDir });
  return withClient(database.url, loadLiveSchema);
}

/** A copy of the migrations whose init migration went through `edit` (each edit must apply). */
async function brokenMigrations(edits: Array<[from: string | RegExp, to: string]>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "keydesk-drift-"));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  await fs.cp(MIGRATIONS, dir, { recursive: true });
  const file = path.join(dir, INIT, "migration.sql");
  let sql = await fs.readFile(file, "utf8");
  for (const [from, to] of edits) {
    const edited = sql.replace(from, to);
    expect(edited, `edit ${String(from)} must change the migration`).not.toBe(sql);
    sql = edited;
  }
  await fs.writeFile(file, sql);
  return dir;
}

describe("schema drift", () => {
  it("the migrations build exactly what schema.prisma describes", async () => {
    const live = await liveSchemaOf(MIGRATIONS);
    expect(compareSchema(dmmf, live)).toEqual([]);
    // Guard against a vacuous pass: the comparison did see the tables.
    expect(Object.keys(live.tables)).toEqual(expect.arrayContaining(["User", "ApiKey", "AuditEvent", "KeyUsageDaily"]));
  });

  it("the per-file test database (a copy of the migrated template) matches too", async () => {
    const live = await withClient(process.env.DATABASE_URL ?? "", loadLiveSchema);
    expect(compareSchema(dmmf, live)).toEqual([]);
  });

  it("reports a deliberately broken migration, one problem per kind of drift", async () => {
    const dir = await brokenMigrations([
      ['    "lastSignInAt" TIMESTAMPTZ(3),\n', ""], // missing column
      ['"name" TEXT NOT NULL,\n    "slug"', '"name" TEXT,\n    "slug"'], // Project.name nullable
      ['"activeKeyLimit" INTEGER NOT NULL DEFAULT 20', '"activeKeyLimit" INTEGER NOT NULL DEFAULT 25'], // wrong default
      ['"last4" TEXT NOT NULL,', '"last4" TEXT NOT NULL,\n    "legacy" TEXT,'], // extra column
      ['"expiresAt" TIMESTAMPTZ(3) NOT NULL,', '"expiresAt" TIMESTAMP(3) NOT NULL,'], // UserInvite: no time zone
      [/CREATE INDEX "AuditEvent_keyId_createdAt_idx" ON "AuditEvent"\("keyId", "createdAt"\);/, 'CREATE INDEX "AuditEvent_keyId_createdAt_idx" ON "AuditEvent"("createdAt", "keyId");'], // column order
      [/CREATE UNIQUE INDEX "Project_slug_key"[^;]*;/, ""], // missing unique
      ['"UserInvite_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE', '"UserInvite_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT'],
      ["'key', 'system', 'anonymous'", "'key', 'system'"], // enum value missing
      ['PRIMARY KEY ("keyId","day")', 'PRIMARY KEY ("day","keyId")'], // composite key order
      [/ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_keyId_fkey"[^;]*;/, ""], // missing foreign key
    ]);
    const problems = compareSchema(dmmf, await liveSchemaOf(dir));
    const expected = [
      /^User\.lastSignInAt: column "lastSignInAt" is missing/,
      /^Project\.name: column is NULL, expected NOT NULL/,
      /^Project\.activeKeyLimit: default 25 does not match/,
      /^ApiKey: column "ApiKey"\."legacy" is not in the schema/,
      /^UserInvite\.expiresAt: type is timestamp without time zone/,
      /^AuditEvent: index on \(keyId, createdAt\) is missing/,
      /^Project: unique index on \(slug\) is missing/,
      /^UserInvite\.user: foreign key \(userId\).* has ON DELETE Restrict, expected Cascade/,
      /^enum ActorType: values are \(user, key, system\)/,
      /^KeyUsageDaily: primary key is \(day, keyId\), expected \(keyId, day\)/,
      /^AuditEvent\.key: foreign key \(keyId\) → "ApiKey"\(id\) is missing/,
    ];
    for (const pattern of expected) expect(problems, String(pattern)).toContainEqual(expect.stringMatching(pattern));
    expect(problems).toHaveLength(expected.length);
  });
});

describe("what the schema cannot express", () => {
  const url = () => process.env.DATABASE_URL ?? "";

  it("has one trigram GIN index for key search, over the fields joined by U+001F", async () => {
    const indexes = await withClient(url(), async (client) => {
      const { rows } = await client.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ApiKey' AND indexdef LIKE '%gin_trgm_ops%' ORDER BY indexname`,
      );
      return rows;
    });
    expect(indexes.map((i) => i.indexname)).toEqual(["ApiKey_search_trgm_idx"]);
    expect(indexes[0]?.indexdef).toContain("USING gin");
    expect(indexes[0]?.indexdef).toContain(`((((((name || '\u001f'::text) || description) || '\u001f'::text) || "displayPrefix") || '\u001f'::text) || "publicId")`);
  });

  it("has descending NULLS LAST indexes for the nullable sorts", async () => {
    const defs = await withClient(url(), async (client) => {
      const { rows } = await client.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ApiKey' AND indexname LIKE '%\\_desc\\_idx' ORDER BY indexname`,
      );
      return rows.map((row) => row.indexdef.replace(/^.* USING btree /, ""));
    });
    expect(defs).toEqual([
      `("projectId", "expiresAt" DESC NULLS LAST, id DESC)`,
      `("projectId", "lastUsedAt" DESC NULLS LAST, id DESC)`,
    ]);
  });

  it("enforces lower-case emails and valid project settings", async () => {
    await withClient(url(), async (client) => {
      await expect(client.query(`INSERT INTO "User" (email, name) VALUES ('Ann@Example.com', 'Ann')`)).rejects.toThrow(/User_email_lowercase_check/);
      await client.query(`INSERT INTO "User" (email, name) VALUES ('ann@example.com', 'Ann')`);
      const project = (prefix: string, limit: number) =>
        client.query(`INSERT INTO "Project" (name, slug, "keyPrefix", "activeKeyLimit") VALUES ($1, $1, $2, $3)`, [`p-${prefix}-${limit}`, prefix, limit]);
      await expect(project("Kd", 5)).rejects.toThrow(/Project_keyPrefix_check/);
      await expect(project("k", 5)).rejects.toThrow(/Project_keyPrefix_check/);
      await expect(project("abcdefghijklm", 5)).rejects.toThrow(/Project_keyPrefix_check/);
      await expect(project("kd_x", 5)).rejects.toThrow(/Project_keyPrefix_check/);
      await expect(project("kd", 0)).rejects.toThrow(/Project_activeKeyLimit_check/);
      await expect(project("kd", 1001)).rejects.toThrow(/Project_activeKeyLimit_check/);
      await project("kd", 1000);
      await project("abcdefghijkl", 1);
    });
  });

  it("keeps every key's hash prefix as an indexed, generated bigint and refuses a hash that is not hex SHA-256", async () => {
    await withClient(url(), async (client) => {
      const { rows } = await client.query<{ is_generated: string; generation_expression: string }>(
        `SELECT is_generated, generation_expression FROM information_schema.columns WHERE table_name = 'ApiKey' AND column_name = 'hashPrefix'`,
      );
      expect(rows[0]?.is_generated).toBe("ALWAYS");
      const index = await client.query(`SELECT 1 FROM pg_indexes WHERE tablename = 'ApiKey' AND indexname = 'ApiKey_hashPrefix_idx'`);
      expect(index.rowCount).toBe(1);
      const { rows: prefix } = await client.query<{ p: string }>(`SELECT (('x' || substr(h, 1, 16))::bit(64)::bigint)::text AS p FROM (VALUES ('ffffffffffffffff' || repeat('0', 48))) AS v(h)`);
      expect(prefix[0]?.p).toBe("-1");
      const project = await client.query<{ id: string }>(`INSERT INTO "Project" (name, slug, "keyPrefix") VALUES ('Hash check', 'hash-check', 'hc') RETURNING id`);
      const insert = (hash: string) =>
        client.query(`INSERT INTO "ApiKey" ("publicId", "projectId", name, "displayPrefix", last4, hash) VALUES ($1, $2, 'k', 'hc_x', 'abcd', $3)`, [
          `key_${hash.slice(0, 16)}`,
          project.rows[0]?.id,
          hash,
        ]);
      await expect(insert("A".repeat(64))).rejects.toThrow(/ApiKey_hash_check/);
      await expect(insert("abc")).rejects.toThrow(/ApiKey_hash_check/);
      await insert("0123456789abcdef".repeat(4));
      const { rows: stored } = await client.query<{ p: string }>(`SELECT "hashPrefix"::text AS p FROM "ApiKey" WHERE hash = $1`, ["0123456789abcdef".repeat(4)]);
      expect(stored[0]?.p).toBe(BigInt("0x0123456789abcdef").toString());
    });
  });

  it("keeps the audit log append-only: no UPDATE, DELETE or TRUNCATE", async () => {
    await withClient(url(), async (client) => {
      await client.query(
        `INSERT INTO "AuditEvent" ("actorType", "actorLabel", action, summary, hash, "chainVersion") VALUES ('system', 'system', 'test', 'test', 'h1', 1)`,
      );
      await expect(client.query(`UPDATE "AuditEvent" SET summary = 'changed'`)).rejects.toThrow("audit log is append-only");
      await expect(client.query(`DELETE FROM "AuditEvent"`)).rejects.toThrow("audit log is append-only");
      await expect(client.query(`TRUNCATE "AuditEvent"`)).rejects.toThrow("audit log is append-only");
      const { rows } = await client.query<{ summary: string }>(`SELECT summary FROM "AuditEvent"`);
      expect(rows).toEqual([{ summary: "test" }]);
    });
  });
});
