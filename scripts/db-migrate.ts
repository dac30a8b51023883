// `npm run db:migrate`: apply pending migrations as the tables' owner — KEYDESK_MIGRATION_DATABASE_URL
// (else DATABASE_URL), or the embedded PostgreSQL under the data directory when DATABASE_URL is
// unset (the same database `npm start` uses).
import { migrateAsOwner, resolveDatabase } from "@/lib/db/runtime";

const log = (message: string) => console.log(message);

async function main(): Promise<void> {
  const database = await resolveDatabase({ log });
  try {
    const applied = await migrateAsOwner(database, log);
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date");
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`db:migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
