// `npm run db:backup [FILE]`: a pg_dump (custom format) of Keydesk's database — DATABASE_URL, or
// the embedded one (reached while Keydesk runs, or started for the occasion).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { findPgTool, serverMajorVersion, toolConnection } from "@/lib/db/pg-tools";
import { resolveDatabase, runningEmbeddedUrl } from "@/lib/db/runtime";

async function main(): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = path.resolve(process.argv[2] ?? path.join("backups", `keydesk-${stamp}.dump`));
  fs.mkdirSync(path.dirname(file), { recursive: true });

  const running = process.env.DATABASE_URL ? null : runningEmbeddedUrl();
  const database = running ? { url: running, stop: async () => undefined } : await resolveDatabase({ log: console.log });
  try {
    const pgDump = findPgTool("pg_dump", await serverMajorVersion(database.url));
    const { dbname, env } = toolConnection(database.url);
    const result = spawnSync(pgDump, ["--format=custom", "--no-owner", "--no-privileges", `--file=${file}`, `--dbname=${dbname}`], {
      env,
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (result.status !== 0) throw new Error(`pg_dump exited with ${result.status ?? result.signal}`);
    fs.chmodSync(file, 0o600); // a backup holds key hashes and the audit log
    console.log(`Backup written to ${file} (${fs.statSync(file).size} bytes)`);
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`db:backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
