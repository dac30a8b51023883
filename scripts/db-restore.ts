// `npm run db:restore FILE`: replace Keydesk's database with a backup made by db:backup. Stop
// Keydesk first: running instances would keep serving keys from their caches.
//
// Restored as the owner, with the backup's privileges (what keydesk_app may do to each table),
// then the audit table's restrictions are re-asserted (backups made before privileges were
// included carry none). The audit chain's recorded head is moved aside: it names the newest event
// before the restore, which an older backup does not hold, and Verify integrity would rightly
// call that "dropped". The moved file stays, as the record of what the restore replaced.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { auditHeadFile } from "@/lib/audit-head";
import { ensureAppRoleExists, reassertAuditPrivileges } from "@/lib/db/app-role";
import { findPgTool, serverMajorVersion, toolConnection } from "@/lib/db/pg-tools";
import { resolveDatabase, runningEmbeddedUrl } from "@/lib/db/runtime";

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file || !fs.existsSync(file)) throw new Error("usage: npm run db:restore FILE (a file written by npm run db:backup)");
  if (!process.env.DATABASE_URL && runningEmbeddedUrl()) throw new Error("Keydesk is running on this database: stop it first, then restore.");

  const database = await resolveDatabase({ log: console.log });
  try {
    const pgRestore = findPgTool("pg_restore", await serverMajorVersion(database.ownerUrl));
    const { dbname, env } = toolConnection(database.ownerUrl);
    await ensureAppRoleExists(database.ownerUrl);
    const result = spawnSync(
      pgRestore,
      ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", `--dbname=${dbname}`, file],
      { env, stdio: ["ignore", "inherit", "inherit"] },
    );
    if (result.status !== 0) {
      throw new Error(
        `pg_restore exited with ${result.status ?? result.signal}; the database is unchanged. A backup's privileges name roles ` +
          `(keydesk_app, the owner): restore as the role that owned the tables when it was made (docs/database.md).`,
      );
    }
    await reassertAuditPrivileges(database.ownerUrl);
    console.log(`Restored ${file}`);
    const head = auditHeadFile();
    if (fs.existsSync(head)) {
      const moved = `${head}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      fs.renameSync(head, moved);
      console.log(`The audit chain head recorded before the restore is kept in ${moved}; Keydesk records the restored log's head at its next start.`);
    }
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`db:restore failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
