// Database helpers for tests. The server is started once per run by global-setup.ts; every test
// file already has a fresh migrated database in DATABASE_URL (per-file-db.ts). Use these helpers
// for tests that need more: an extra database, an empty one, or a raw connection.
import crypto from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { appRoleUrl } from "@/lib/db/app-role";

export interface TestPostgres {
  /** Superuser URL of the test server's `postgres` database. */
  adminUrl: string;
  /** Name of the migrated template database. */
  template: string;
  /** Password of the application role keydesk_app (lib/db/app-role.ts). */
  appPassword: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    pg: TestPostgres;
  }
}

/** Superuser URL of `database` on the test server (default: the maintenance database). */
export function adminUrl(database = "postgres"): string {
  const url = new URL(inject("pg").adminUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/**
 * URL of `database` (default: this file's, from DATABASE_URL) as the application role, which
 * production connects as: no superuser, owns nothing, only SELECT and INSERT on the audit log.
 */
export function appUrl(database = new URL(process.env.DATABASE_URL ?? "").pathname.slice(1)): string {
  return appRoleUrl(adminUrl(decodeURIComponent(database)), inject("pg").appPassword);
}

/** Run `fn` with a connected client, ending it afterwards. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database; fails if connections to it are still open. */
  drop: () => Promise<void>;
}

/**
 * A new database on the test server: a copy of the migrated template by default, or an empty
 * one with `{ migrated: false }` (for tests of the migrator itself).
 */
export async function createFreshDatabase(opts: { migrated?: boolean; prefix?: string } = {}): Promise<TestDatabase> {
  const name = `${opts.prefix ?? "test"}_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  const template = opts.migrated === false ? "" : ` TEMPLATE "${inject("pg").template}"`;
  await withClient(adminUrl(), (client) => client.query(`CREATE DATABASE "${name}"${template}`));
  return {
    name,
    url: adminUrl(name),
    drop: async () => {
      await withClient(adminUrl(), (client) => client.query(`DROP DATABASE IF EXISTS "${name}"`));
    },
  };
}
