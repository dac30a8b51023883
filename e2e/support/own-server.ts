// A Keydesk production server with its own PostgreSQL, for specs that stop, kill or restart
// things (the shared e2e server must stay up for the other specs).
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "@playwright/test";
import pg from "pg";
import { appRoleUrl, ensureAppLogin } from "@/lib/db/app-role";
import { findFreePort, startEmbeddedPostgres, type EmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { ensureDatabase, migrate } from "@/lib/db/migrator";
import { generatePublicId, generateSecret } from "@/lib/keys/secret";
import { rememberSecret } from "./secrets";

export interface OwnKeydesk {
  base: string;
  dbUrl: string;
  database: EmbeddedPostgres;
  server: ChildProcess;
  logs: string[];
  query: <T extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<T[]>;
  insertKey: (name: string, projectSlug?: string, createdByEmail?: string) => Promise<string>;
  startServer: () => Promise<void>;
  stopServer: (signal?: NodeJS.Signals) => Promise<number | null>;
  restartDatabase: () => Promise<void>;
  dispose: () => Promise<void>;
}

export const OWN_ADMIN = { email: "own-admin@keydesk.test", password: "own-admin-password-1" };

export async function startOwnKeydesk(extraEnv: Record<string, string> = {}): Promise<OwnKeydesk> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "keydesk-own-"));
  fs.chmodSync(dataDir, 0o755);
  let database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), port: await findFreePort(), persistent: true });
  await ensureDatabase(database.url(), "keydesk");
  const dbUrl = database.url("keydesk");
  // As in production: the server runs as keydesk_app and migrates as the owner.
  const appPassword = crypto.randomBytes(18).toString("base64url");
  await ensureAppLogin(database.url(), appPassword);
  await migrate(dbUrl);
  const port = await findFreePort(3190);
  const base = `http://localhost:${port}`;
  const logs: string[] = [];

  const own: OwnKeydesk = {
    base,
    dbUrl,
    database,
    server: undefined as unknown as ChildProcess,
    logs,
    async query(sql, params = []) {
      const client = new pg.Client({ connectionString: dbUrl });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    async insertKey(name, projectSlug = "default", createdByEmail = OWN_ADMIN.email) {
      const [project] = await own.query<{ id: string; keyPrefix: string }>(`SELECT "id", "keyPrefix" FROM "Project" WHERE "slug" = $1`, [projectSlug]);
      const [user] = await own.query<{ id: string }>(`SELECT "id" FROM "User" WHERE "email" = $1`, [createdByEmail]);
      const generated = generateSecret(project!.keyPrefix);
      await own.query(
        `INSERT INTO "ApiKey" ("publicId", "projectId", "name", "displayPrefix", "last4", "hash", "createdById") VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [generatePublicId(), project!.id, name, generated.displayPrefix, generated.last4, generated.hash, user?.id ?? null],
      );
      rememberSecret(generated.secret);
      return generated.secret;
    },
    async startServer() {
      logs.length = 0;
      own.server = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
        env: {
          ...process.env,
          NODE_ENV: "production",
          PORT: String(port),
          DATABASE_URL: appRoleUrl(dbUrl, appPassword),
          KEYDESK_MIGRATION_DATABASE_URL: dbUrl,
          KEYDESK_DATA_DIR: dataDir,
          KEYDESK_LOG_FILE: path.join(process.env.KEYDESK_E2E_DATA_DIR ?? dataDir, "server.log"),
          KEYDESK_ADMIN_EMAIL: OWN_ADMIN.email,
          KEYDESK_ADMIN_PASSWORD: OWN_ADMIN.password,
          KEYDESK_USAGE_FLUSH_MS: "500",
          NEXTAUTH_URL: base,
          ...extraEnv,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      own.server.stdout!.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
      own.server.stderr!.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
      await expect.poll(() => logs.join(""), { timeout: 90_000 }).toContain("ready on");
    },
    async stopServer(signal = "SIGTERM") {
      const server = own.server;
      if (!server || server.exitCode !== null) return server?.exitCode ?? null;
      const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
      server.kill(signal);
      return exited;
    },
    async restartDatabase() {
      database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), port: database.port, persistent: true });
      own.database = database;
    },
    async dispose() {
      await own.stopServer();
      await own.database.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await own.startServer();
  return own;
}
