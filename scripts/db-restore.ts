// `npm run db:restore FILE`: replace Keydesk's database with a backup made by db:backup. Stop
// Keydesk first: running instances would keep serving keys from their caches.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { findPgTool, serverMajorVersion, toolConnection } from "@/lib/db/pg-tools";
import { resolveDatabase, runningEmbeddedUrl } from "@/lib/db/runtime";

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file || !fs.existsSync(file)) throw new Error("usage: npm run db:restore FILE (a file written by npm run db:backup)");
  if (!process.env.DATABASE_URL && runningEmbeddedUrl()) throw new Error("Keydesk is running on this database: stop it first, then restore.");

  const database = await resolveDatabase({ log: console.log });
  try {
    const pgRestore = findPgTool("pg_restore", await serverMajorVersion(database.url));
    const { dbname, env } = toolConnection(database.url);
    const result = spawnSync(
      pgRestore,
      ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", `--dbname=${dbname}`, file],
      { env, stdio: ["ignore", "inherit", "inherit"] },
    );
    if (result.status !== 0) throw new Error(`pg_restore exited with ${result.status ?? result.signal}; the database is unchanged`);
    console.log(`Restored ${file}`);
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`db:restore failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
