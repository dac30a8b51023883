// Which project a verification names (`"project": slug or id`), answered from memory: projects
// are few, so every process keeps all of them in a table and verification never queries the
// database for the project check.
//
// Freshness:
// - Project writes (create, edit, archive) NOTIFY on PROJECT_CHANGED_CHANNEL (listener.ts) and
//   emit in-process; either marks the table invalid, and the next resolution reloads it before
//   answering. So does every (re)connect of the listener, which may have missed notifications.
// - A name the table does not know reloads it before answering unknown_project, at most once per
//   KEYDESK_PROJECT_REFRESH_MIN_MS (1 s): a project created a moment ago (say, by a process
//   whose notification is still in flight, or by SQL) works at once, and a flood of made-up names
//   costs one query per interval.
// - A safety net like the key cache's TTL: a table older than KEYDESK_PROJECT_TABLE_TTL_MS (60 s)
//   is reloaded in the background while the current one keeps answering.
//
// State lives on globalThis for the same reason as the key cache (two module graphs, one process).
import { lookupPool } from "@/lib/db";
import { onProjectChanged } from "@/lib/keys/invalidation";

export interface ProjectEntry {
  id: string;
  slug: string;
  isSystem: boolean;
  archived: boolean;
  /** Log MALFORMED / NOT_FOUND verifications one by one in the request trail (always counted). */
  logUnknownKeys: boolean;
}

export type ProjectResolution = { found: true; project: ProjectEntry } | { found: false };

export interface ProjectTableStats {
  size: number;
  /** Whether the table may be answered from (loaded, and no change announced since). */
  valid: boolean;
  /** Database queries made by the table: what tests watch to prove "no DB access". */
  loads: number;
  failedLoads: number;
  invalidations: number;
}

interface ProjectTableState {
  byId: Map<string, ProjectEntry>;
  bySlug: Map<string, ProjectEntry>;
  valid: boolean;
  /** Bumped by every invalidation; a load that saw it change must not make the table valid. */
  generation: number;
  loadedAt: number;
  /** Last reload started because of an unknown name or the TTL; bounds both to one per interval. */
  lastRefreshAt: number;
  loading: Promise<void> | null;
  /** The generation the running load started in, and the newest one a finished load applied. */
  loadingGeneration: number;
  appliedGeneration: number;
  ttlMs: number;
  refreshMinMs: number;
  stats: Omit<ProjectTableStats, "size" | "valid">;
}

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value >= 0 ? value : fallback;
}

const globalForTable = globalThis as unknown as { __keydeskProjectTable?: ProjectTableState };

function state(): ProjectTableState {
  if (!globalForTable.__keydeskProjectTable) {
    globalForTable.__keydeskProjectTable = {
      byId: new Map(),
      bySlug: new Map(),
      valid: false,
      generation: 0,
      loadedAt: 0,
      lastRefreshAt: -Infinity,
      loading: null,
      loadingGeneration: -1,
      appliedGeneration: -1,
      ttlMs: envInt("KEYDESK_PROJECT_TABLE_TTL_MS", 60_000),
      refreshMinMs: envInt("KEYDESK_PROJECT_REFRESH_MIN_MS", 1_000),
      stats: { loads: 0, failedLoads: 0, invalidations: 0 },
    };
    // Subscribed once per process, not once per module graph: both graphs share this state.
    onProjectChanged(() => invalidateProjectTable());
  }
  return globalForTable.__keydeskProjectTable;
}

const LOAD_STATEMENT = {
  name: "keydesk_project_table",
  text: `SELECT "id", "slug", "isSystem", ("archivedAt" IS NOT NULL) AS "archived", "logUnknownKeys" FROM "Project"`,
};

/**
 * Reloads the table; concurrent callers share one query unless a change was announced after it
 * started (then they need one that reads after the change). Rejects when the database cannot be
 * asked.
 */
function load(): Promise<void> {
  const s = state();
  if (s.loading && s.loadingGeneration === s.generation) return s.loading;
  const generation = s.generation;
  s.stats.loads += 1;
  const running = lookupPool()
    .query<ProjectEntry>(LOAD_STATEMENT)
    .then(({ rows }) => {
      // An older load that finishes after a newer one must not put older rows back.
      if (generation < s.appliedGeneration) return;
      s.appliedGeneration = generation;
      const byId = new Map<string, ProjectEntry>();
      const bySlug = new Map<string, ProjectEntry>();
      for (const row of rows) {
        const entry = Object.freeze({ id: row.id, slug: row.slug, isSystem: row.isSystem, archived: row.archived, logUnknownKeys: row.logUnknownKeys });
        byId.set(entry.id, entry);
        bySlug.set(entry.slug, entry);
      }
      s.byId = byId;
      s.bySlug = bySlug;
      s.loadedAt = Date.now();
      // A change announced while the query ran may not be in what it read: the callers waiting
      // for this load get its answer (as if they had asked just before the change), but the
      // next resolution loads again.
      s.valid = s.generation === generation;
    })
    .catch((error: unknown) => {
      s.stats.failedLoads += 1;
      throw error;
    })
    .finally(() => {
      if (s.loading === running) s.loading = null;
    });
  s.loading = running;
  s.loadingGeneration = generation;
  return running;
}

// Slugs are [a-z0-9-] and at most 64 characters, ids are UUIDs: anything else names nothing, and
// is answered without a reload.
const PROJECT_REF = /^[A-Za-z0-9-]{1,64}$/;

function find(s: ProjectTableState, ref: string): ProjectResolution {
  const key = ref.toLowerCase();
  const project = s.byId.get(key) ?? s.bySlug.get(key);
  return project ? { found: true, project } : { found: false };
}

const NOT_FOUND: ProjectResolution = Object.freeze({ found: false });

/**
 * The project `ref` (slug or id, case-insensitive) names, archived ones included. The answer
 * itself when the table can tell, a promise when it must be (re)loaded first; the promise
 * rejects when the database cannot be asked.
 */
export function resolveProjectNowOrLater(ref: string): ProjectResolution | Promise<ProjectResolution> {
  const s = state();
  if (!PROJECT_REF.test(ref)) return NOT_FOUND;
  if (!s.valid) return load().then(() => find(s, ref));

  const now = Date.now();
  const resolution = find(s, ref);
  if (resolution.found) {
    if (now - s.loadedAt >= s.ttlMs && now - s.lastRefreshAt >= s.refreshMinMs) {
      s.lastRefreshAt = now;
      // Background: the current table answers meanwhile; a failure is retried after the interval.
      load().catch(() => undefined);
    }
    return resolution;
  }
  if (now - s.lastRefreshAt < s.refreshMinMs) return resolution;
  s.lastRefreshAt = now;
  return load().then(() => find(s, ref));
}

/** The project table is stale: the next resolution reloads it first. */
export function invalidateProjectTable(): void {
  const s = state();
  s.valid = false;
  s.generation += 1;
  s.stats.invalidations += 1;
}

/** Loads the table ahead of the first verification (e.g. when the listener connects). */
export function warmProjectTable(): Promise<void> {
  return load();
}

export function projectTableStats(): ProjectTableStats {
  const s = state();
  return { size: s.byId.size, valid: s.valid, ...s.stats };
}

// Subscribe at import time so that announcements reach the table even before the first lookup.
state();
