// `npm run db:backup [FILE]`: a pg_dump (custom format) of Keydesk's database, taken as the owner
// of its tables — KEYDESK_MIGRATION_DATABASE_URL (else DATABASE_URL), or the embedded one
// (reached while Keydesk runs, or started for the occasion).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { findPgTool, serverMajorVersion, toolConnection } from "@/lib/db/pg-tools";
import { resolveDatabase, runningEmbeddedUrl } from "@/lib/db/runtime";
import { openPrivateFile } from "@/lib/secret-file";

async function main(): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = path.resolve(process.argv[2] ?? path.join("backups", `keydesk-${stamp}.dump`));
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });

  const running = process.env.DATABASE_URL ? null : runningEmbeddedUrl();
  const database = running ? { ownerUrl: running, stop: async () => undefined } : await resolveDatabase({ log: console.log });
  try {
    const pgDump = findPgTool("pg_dump", await serverMajorVersion(database.ownerUrl));
    const { dbname, env } = toolConnection(database.ownerUrl);
    // A backup holds password, invite and key hashes and the audit log: the file is ours, mode
    // 0600, before pg_dump writes its first byte into it (as its standard output). Privileges are
    // kept, so a restore gives keydesk_app exactly what it had (docs/database.md).
    const fd = openPrivateFile(file, "w");
    let result;
    try {
      result = spawnSync(pgDump, ["--format=custom", "--no-owner", `--dbname=${dbname}`], {
        env,
        stdio: ["ignore", fd, "inherit"],
      });
    } finally {
      fs.closeSync(fd);
    }
    if (result.status !== 0) {
      fs.rmSync(file, { force: true });
      throw new Error(`pg_dump exited with ${result.status ?? result.signal}`);
    }
    console.log(`Backup written to ${file} (${fs.statSync(file).size} bytes)`);
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`db:backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
