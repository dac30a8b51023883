// Direct SQL against the shared e2e server's embedded PostgreSQL, for what a browser cannot do
// quickly (e.g. letting ten minutes pass). The server writes its database URL next to its data.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

export async function e2eQuery<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const dir = process.env.KEYDESK_E2E_DATA_DIR ?? "";
  const { url } = JSON.parse(fs.readFileSync(path.join(dir, "postgres.running.json"), "utf8")) as { url: string };
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
