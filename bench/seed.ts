// Seeds the benchmark database directly with SQL: far faster than the services, and it may go past
// the per-project active key limit (the CHECK caps activeKeyLimit at 1000), which a benchmark of
// 100,000 or 1,000,000 keys has to. Bulk keys go in with one COPY (1,000,000 in about a minute);
// their secrets are made here in the production format and kept in memory by the caller.
import crypto from "node:crypto";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { crc32 } from "node:zlib";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import {
  BASE62_ALPHABET,
  CHECKSUM_LENGTH,
  RANDOM_PART_LENGTH,
  generatePublicId,
  generateSecret,
  hashSecret,
} from "@/lib/keys/secret";

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
 * A secret in the production format (`<prefix>_` + 43 base62 characters + the CRC32 checksum),
 * made without BigInt arithmetic: generateSecret() costs ~26 µs, too much for 1,000,000 keys.
 * The random part is 43 uniformly random characters rather than a 256-bit number's digits; the
 * verifier checks only the format and the checksum, so the two are indistinguishable to it.
 */
export function fastSecret(prefix: string): { secret: string; hash: string; displayPrefix: string; last4: string } {
  let random = "";
  while (random.length < RANDOM_PART_LENGTH) {
    for (const byte of crypto.randomBytes(RANDOM_PART_LENGTH + 8)) {
      if (byte >= 248) continue; // 248 = 4 × 62: keeps byte % 62 uniform
      random += BASE62_ALPHABET.charAt(byte % 62);
      if (random.length === RANDOM_PART_LENGTH) break;
    }
  }
  const checked = `${prefix}_${random}`;
  let crc = crc32(checked) >>> 0;
  let checksum = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    checksum = BASE62_ALPHABET.charAt(crc % 62) + checksum;
    crc = Math.floor(crc / 62);
  }
  const secret = checked + checksum;
  return { secret, hash: hashSecret(secret), displayPrefix: `${prefix}_${random.slice(0, 6)}`, last4: secret.slice(-4) };
}

/** COPY text format: the only characters that need escaping in our generated values. */
const copyText = (value: string | null) => (value === null ? "\\N" : value.replace(/[\\\t\n\r]/g, (c) => `\\${c === "\t" ? "t" : c === "\n" ? "n" : c === "\r" ? "r" : "\\"}`));

/**
 * Inserts `count` keys into the project with one COPY, spread over the past year, with varied
 * names and descriptions; ~96% active, 2% revoked, 2% expired (stateOf). `onKey` receives each
 * key's secret and public id as it is generated (the caller decides what to keep: 1,000,000
 * SeededKey objects would cost the benchmark process hundreds of MiB).
 */
export async function copyKeys(
  client: pg.Client,
  options: { projectId: string; prefix: string; createdById: string; count: number; namePrefix?: string },
  onKey: (i: number, secret: string, publicId: string) => void,
): Promise<void> {
  const now = Date.now();
  const day = 86_400_000;
  const stream = client.query(
    copyFrom(`COPY "ApiKey" ("publicId", "projectId", "name", "description", "displayPrefix", "last4", "hash",
                             "createdById", "createdAt", "updatedAt", "expiresAt", "revokedAt", "revokedById") FROM STDIN`),
  );
  const lines: string[] = [];
  const flush = async () => {
    if (!stream.write(lines.join(""))) await once(stream, "drain");
    lines.length = 0;
  };
  for (let i = 0; i < options.count; i++) {
    const state = stateOf(i);
    const service = SERVICES[i % SERVICES.length] as string;
    const environment = ENVIRONMENTS[Math.floor(i / SERVICES.length) % ENVIRONMENTS.length] as string;
    const team = TEAMS[i % TEAMS.length] as string;
    const purpose = PURPOSES[i % PURPOSES.length] as string;
    // Oldest first: creation times rise with i.
    const createdAt = new Date(now - 365 * day + Math.floor((i / options.count) * 364 * day));
    const expiresAt = state === "expired" ? new Date(now - 2 * day) : i % 3 === 0 ? new Date(now + 90 * day + (i % 200) * day) : null;
    const revokedAt = state === "revoked" ? new Date(createdAt.getTime() + day) : null;
    const secret = fastSecret(options.prefix);
    const publicId = generatePublicId();
    onKey(i, secret.secret, publicId);
    const fields = [
      publicId,
      options.projectId,
      `${options.namePrefix ?? ""}${service}-${environment}-${String(i).padStart(6, "0")}`,
      `${team} team, ${purpose}${i % 100 === 7 ? " (quarterly audit export)" : ""}`,
      secret.displayPrefix,
      secret.last4,
      secret.hash,
      options.createdById,
      createdAt.toISOString(),
      createdAt.toISOString(),
      expiresAt?.toISOString() ?? null,
      revokedAt?.toISOString() ?? null,
      revokedAt ? options.createdById : null,
    ];
    lines.push(`${fields.map(copyText).join("\t")}\n`);
    if (lines.length === 2_000) await flush();
  }
  await flush();
  stream.end();
  await finished(stream);
}

/** copyKeys() keeping every key as a SeededKey (for the 100,000-key runs). */
export async function seedKeys(
  client: pg.Client,
  options: { projectId: string; prefix: string; createdById: string; count: number },
): Promise<SeededKey[]> {
  const keys: SeededKey[] = new Array(options.count);
  await copyKeys(client, options, (i, secret, publicId) => {
    keys[i] = { secret, publicId, state: stateOf(i) };
  });
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
