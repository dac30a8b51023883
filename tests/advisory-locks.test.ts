// Advisory locks come from one registry (lib/db/locks.ts): distinct ids, and no feature taking
// another feature's lock. User and project writes once shared 7_301_003, so an administrator
// changing a role held up every project write (and the other way round).
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { ADVISORY_LOCKS } from "@/lib/db/locks";
import { createProject } from "@/lib/services/projects";
import { context, seedBase, userActor } from "./support/fixtures";

let actor: ReturnType<typeof userActor>;

beforeAll(async () => {
  actor = userActor((await seedBase()).admin);
});

/** Holds advisory lock `id` in an open transaction on a connection of its own until released. */
async function holdLock(id: number): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query("BEGIN");
  await client.query("SELECT pg_advisory_xact_lock($1)", [id]);
  return async () => {
    await client.query("ROLLBACK");
    await client.end();
  };
}

const settledWithin = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

let counter = 0;
const newProject = () => {
  counter += 1;
  return createProject(actor, { name: `Lock test ${counter}`, keyPrefix: `lock${counter}`, maxLifetimeDays: null, allowNoExpiry: true }, context);
};

describe("advisory locks", () => {
  it("gives every lock its own id", () => {
    const ids = Object.values(ADVISORY_LOCKS);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("lets a project write proceed while a user-administration write holds its lock", async () => {
    const release = await holdLock(ADVISORY_LOCKS.userAdmin);
    try {
      expect(await settledWithin(newProject(), 5_000)).toBe(true);
    } finally {
      await release();
    }
  });

  it("still serialises project writes against each other", async () => {
    const release = await holdLock(ADVISORY_LOCKS.projectWrite);
    const write = newProject();
    try {
      expect(await settledWithin(write, 500)).toBe(false);
    } finally {
      await release();
    }
    await expect(write).resolves.toMatchObject({ name: `Lock test ${counter}` });
  });

  it("takes advisory locks only through the registry", () => {
    const root = path.resolve(import.meta.dirname, "..");
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (["node_modules", ".next", "generated", ".data", "tests", "e2e", "bench", "test-results"].includes(entry.name) || entry.name.startsWith(".next")) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.(ts|tsx|mjs|sql)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
          const text = fs.readFileSync(full, "utf8");
          if (!/pg_(try_)?advisory/.test(text)) continue;
          // Migrations cannot import the registry: they may take a registered id, spelled out.
          const registered = new Set<number>(Object.values(ADVISORY_LOCKS));
          const sqlIds = [...text.matchAll(/pg_(?:try_)?advisory\w*\(([^)]*)\)/g)].map((m) => Number(m[1]));
          if (entry.name.endsWith(".sql") && sqlIds.every((id) => registered.has(id))) continue;
          offenders.push(path.relative(root, full));
        }
      }
    };
    walk(root);
    expect(offenders).toEqual(["lib/db/locks.ts"]);
  });
});
