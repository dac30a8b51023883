// pg_dump / pg_restore for backups. The embedded PostgreSQL package ships only the server, so
// these come from the system (Debian: `apt-get install postgresql-client`), in a version at
// least as new as the server, since pg_dump refuses newer servers.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

export async function serverMajorVersion(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    return Math.floor(Number(rows[0]?.v) / 10_000);
  } finally {
    await client.end();
  }
}

function versionOf(binary: string): number | null {
  const result = spawnSync(binary, ["--version"], { encoding: "utf8" });
  const match = /(\d+)(?:\.\d+)?/.exec(result.stdout ?? "");
  return result.status === 0 && match ? Number(match[1]) : null;
}

/** The newest installed `tool` whose major version is at least the server's. */
export function findPgTool(tool: "pg_dump" | "pg_restore", serverMajor: number): string {
  const candidates: string[] = [];
  const override = process.env[tool === "pg_dump" ? "KEYDESK_PG_DUMP" : "KEYDESK_PG_RESTORE"];
  if (override) candidates.push(override);
  const debian = "/usr/lib/postgresql";
  if (fs.existsSync(debian)) {
    for (const major of fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(debian, major, "bin", tool));
  }
  candidates.push(tool);
  for (const candidate of candidates) {
    const version = versionOf(candidate);
    if (version !== null && version >= serverMajor) return candidate;
  }
  throw new Error(
    `${tool} ${serverMajor} or newer is needed for this PostgreSQL ${serverMajor} server and none was found. ` +
      `On Debian/Ubuntu: apt-get install postgresql-client (or set ${tool === "pg_dump" ? "KEYDESK_PG_DUMP" : "KEYDESK_PG_RESTORE"}).`,
  );
}

/**
 * Connection for the tools: the password travels in PGPASSWORD, not in the process list, and the
 * tools see only what libpq reads (PATH, HOME for ~/.pgpass, locale, PG* such as PGSSLMODE), not
 * Keydesk's own secrets (KEYDESK_ADMIN_PASSWORD, NEXTAUTH_SECRET…).
 */
export function toolConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = "";
  const env: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => /^(PATH|HOME|LANG|LC_[A-Z]+|TZ|PG[A-Z_]+)$/.test(name)),
  );
  if (password) env.PGPASSWORD = password;
  return { dbname: parsed.toString(), env: env as NodeJS.ProcessEnv };
}
