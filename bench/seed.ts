// Seeds the benchmark database directly with SQL: far faster than the services, and it may go past
// the per-project active key limit (the CHECK caps activeKeyLimit at 1000), which a benchmark of
// 100,000 keys has to. Secrets are generated here with the production generator and kept in memory.
import type pg from "pg";
import { generatePublicId, generateSecret } from "@/lib/keys/secret";

export interface SeededKey {
  secret: string;
  publicId: string;
  state: "active" | "revoked" | "expired";
}

const SERVICES = [
  "billing", "checkout", "search", "inventory", "reporting", "mobile-app",
  "partner-acme", "partner-globex", "webhooks", "analytics", "ci-deploy", "support-tool",
];
const ENVIRONMENTS = ["prod", "staging", "dev"];
const TEAMS = ["payments", "platform", "growth", "data", "mobile", "partnerships", "support"];
const PURPOSES = ["nightly sync", "order events", "catalogue reads", "metrics export", "release pipeline", "customer lookups"];

/** Every 50th key is revoked and every 50th (offset) expired: the status filter has something to do. */
function stateOf(i: number): SeededKey["state"] {
  if (i % 50 === 1) return "revoked";
  if (i % 50 === 2) return "expired";
  return "active";
}

export async function projectIdBySlug(client: pg.Client, slug: string): Promise<string> {
  const { rows } = await client.query<{ id: string }>(`SELECT "id" FROM "Project" WHERE "slug" = $1`, [slug]);
  if (!rows[0]) throw new Error(`project "${slug}" does not exist (was the administrator bootstrapped?)`);
  return rows[0].id;
}

export async function adminId(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ id: string }>(`SELECT "id" FROM "User" WHERE "role" = 'admin' ORDER BY "createdAt" LIMIT 1`);
  if (!rows[0]) throw new Error("no administrator exists");
  return rows[0].id;
}

interface KeyInsert {
  publicId: string;
  name: string;
  description: string;
  secret: ReturnType<typeof generateSecret>;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

async function insertKeys(client: pg.Client, projectId: string, createdById: string, rows: KeyInsert[]): Promise<string[]> {
  const { rows: inserted } = await client.query<{ id: string }>(
    `INSERT INTO "ApiKey" ("id", "publicId", "projectId", "name", "description", "displayPrefix", "last4", "hash",
                           "createdById", "createdAt", "updatedAt", "expiresAt", "revokedAt", "revokedById")
     SELECT gen_random_uuid(), u."publicId", $1::uuid, u."name", u."description", u."displayPrefix", u."last4", u."hash",
            $2::uuid, u."createdAt", u."createdAt", u."expiresAt", u."revokedAt",
            CASE WHEN u."revokedAt" IS NULL THEN NULL ELSE $2::uuid END
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[])
            AS u("publicId", "name", "description", "displayPrefix", "last4", "hash", "createdAt", "expiresAt", "revokedAt")
     RETURNING "id"`,
    [
      projectId,
      createdById,
      rows.map((r) => r.publicId),
      rows.map((r) => r.name),
      rows.map((r) => r.description),
      rows.map((r) => r.secret.displayPrefix),
      rows.map((r) => r.secret.last4),
      rows.map((r) => r.secret.hash),
      rows.map((r) => r.createdAt.toISOString()),
      rows.map((r) => r.expiresAt?.toISOString() ?? null),
      rows.map((r) => r.revokedAt?.toISOString() ?? null),
    ],
  );
  return inserted.map((row) => row.id);
}

/**
 * Inserts `count` keys into the project in batches of `batchSize`, spread over the past year, with
 * varied names and descriptions; ~96% active, 2% revoked, 2% expired. Returns their secrets.
 */
export async function seedKeys(
  client: pg.Client,
  options: { projectId: string; prefix: string; createdById: string; count: number; batchSize?: number },
): Promise<SeededKey[]> {
  const batchSize = options.batchSize ?? 5_000;
  const now = Date.now();
  const day = 86_400_000;
  const keys: SeededKey[] = [];
  for (let start = 0; start < options.count; start += batchSize) {
    const batch: KeyInsert[] = [];
    for (let i = start; i < Math.min(options.count, start + batchSize); i++) {
      const state = stateOf(i);
      const service = SERVICES[i % SERVICES.length] as string;
      const environment = ENVIRONMENTS[Math.floor(i / SERVICES.length) % ENVIRONMENTS.length] as string;
      const team = TEAMS[i % TEAMS.length] as string;
      const purpose = PURPOSES[i % PURPOSES.length] as string;
      // Oldest first: creation times rise with i, about five minutes apart.
      const createdAt = new Date(now - 365 * day + Math.floor((i / options.count) * 364 * day));
      const expiresAt =
        state === "expired" ? new Date(now - 2 * day) : i % 3 === 0 ? new Date(now + 90 * day + (i % 200) * day) : null;
      const secret = generateSecret(options.prefix);
      batch.push({
        publicId: generatePublicId(),
        name: `${service}-${environment}-${String(i).padStart(6, "0")}`,
        description: `${team} team, ${purpose}${i % 100 === 7 ? " (quarterly audit export)" : ""}`,
        secret,
        createdAt,
        expiresAt,
        revokedAt: state === "revoked" ? new Date(createdAt.getTime() + day) : null,
      });
      keys.push({ secret: secret.secret, publicId: "", state });
    }
    await insertKeys(client, options.projectId, options.createdById, batch);
    batch.forEach((row, j) => {
      (keys[start + j] as SeededKey).publicId = row.publicId;
    });
  }
  return keys;
}

/** One key, optionally with constraints; returns its secret. */
export async function insertKey(
  client: pg.Client,
  options: {
    projectId: string;
    prefix: string;
    createdById: string;
    name: string;
    constraints?: { type: "exact" | "prefix" | "regex" | "verb"; value: string; methods?: string[] }[];
  },
): Promise<SeededKey> {
  const secret = generateSecret(options.prefix);
  const publicId = generatePublicId();
  const [id] = await insertKeys(client, options.projectId, options.createdById, [
    { publicId, name: options.name, description: "benchmark", secret, createdAt: new Date(), expiresAt: null, revokedAt: null },
  ]);
  for (const [position, constraint] of (options.constraints ?? []).entries()) {
    await client.query(
      `INSERT INTO "ApiKeyConstraint" ("id", "keyId", "position", "type", "value", "methods")
       VALUES (gen_random_uuid(), $1, $2, $3::"ConstraintType", $4, $5::text[])`,
      [id, position, constraint.type, constraint.value, constraint.methods ?? []],
    );
  }
  return { secret: secret.secret, publicId, state: "active" };
}
