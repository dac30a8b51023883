// Cross-process cache invalidation: one dedicated pg connection per process LISTENs on
// KEY_CHANGED_CHANNEL, and every notification (a key's hash, sent by notifyKeyChanged inside the
// writing transaction, delivered at commit) drops that key from this process's cache. The same
// connection LISTENs on PROJECT_CHANGED_CHANNEL: a project write makes the project table reload.
//
// A plain pg Client rather than Prisma: LISTEN needs one long-lived session of its own, and
// Prisma's pool hands out connections per query.
//
// While the connection is down, notifications are lost, so every successful LISTEN (the first
// one included: entries may have been cached before it) clears the whole key cache and reloads
// the project table. A connection can also hang without failing (a half-open TCP connection, a
// stalled proxy): notifications then stop without an error. So the connection is pinged every
// pingIntervalMs (at most pingTimeoutMs), and each successful ping vouches for the
// key cache until the next ping is overdue (key-cache.ts: vouchForInvalidation). While nobody
// vouches, the cache serves nothing older than a second. A failed ping, or one that does not
// answer within the connection's query_timeout (5 s), reconnects; a merely slow one does not.
//
// LISTEN needs a session of its own: behind PgBouncer in transaction pooling mode it does not
// work (notifications go to whichever server session ran LISTEN, then nowhere). The ping asks the
// session it lands on whether it is listening (pg_listening_channels), so such a set-up is logged
// and never vouched for: the cache then re-reads keys after a second, slower but never stale.
//
// It also LISTENs on KEY_CREATED_CHANNEL, where the database announces every new key (a hash, or
// "*" after a bulk insert), for the membership index (key-index.ts); every successful LISTEN has
// the index loaded or checked (key-index-sync.ts), and until then the index keeps answering.
import pg from "pg";
import { KEY_CHANGED_CHANNEL, KEY_CREATED_CHANNEL, PROJECT_CHANGED_CHANNEL } from "@/lib/keys/invalidation";
import { ALL_KEYS, clearKeyCache, invalidateKeyHash, vouchForInvalidation } from "@/lib/keys/key-cache";
import { addKeyHash } from "@/lib/keys/key-index";
import type { KeyIndexSync } from "@/lib/keys/key-index-sync";
import { invalidateProjectTable, warmProjectTable } from "@/lib/keys/project-table";

export interface KeyChangeListener {
  /** Resolves when LISTEN is first in effect (never rejects; retries until stop()). */
  ready: Promise<void>;
  isListening(): boolean;
  stop(): Promise<void>;
}

export interface KeyChangeListenerOptions {
  log?: (message: string) => void;
  /** First reconnect delay; doubles per failed attempt up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * A connection can die or hang without the socket noticing (NAT timeouts, a failover, a stalled
   * proxy); a periodic query on it turns that silence into an error and a reconnect, and until it
   * answers the key cache does not rely on notifications. Default 2 s.
   */
  pingIntervalMs?: number;
  /** How long a ping may take before the connection counts as hung. Default 1 s. */
  pingTimeoutMs?: number;
  /** The membership index's sync: told when LISTEN is (again) in effect or lost, and of bulk inserts. */
  index?: KeyIndexSync;
}

const STOP_TIMEOUT_MS = 2_000;
const CHANNELS = [KEY_CHANGED_CHANNEL, PROJECT_CHANGED_CHANNEL, KEY_CREATED_CHANNEL];
// The channel names are our own constants (lower-case letters and underscores), not input.
const PING = `SELECT count(*)::int AS "listening" FROM pg_listening_channels() AS c WHERE c IN (${CHANNELS.map((c) => `'${c}'`).join(", ")})`;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Applies one notification payload to the cache. Anything that is not a hash clears it all. */
function applyKeyChange(payload: string | undefined): void {
  if (payload === undefined || payload === "" || payload === ALL_KEYS) clearKeyCache();
  else invalidateKeyHash(payload);
}

export function startKeyChangeListener(
  connectionString: string,
  options: KeyChangeListenerOptions = {},
): KeyChangeListener {
  const log = options.log ?? ((message: string) => console.log(`[keydesk] ${message}`));
  const minBackoffMs = options.minBackoffMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const pingIntervalMs = options.pingIntervalMs ?? 2_000;
  const pingTimeoutMs = options.pingTimeoutMs ?? 1_000;
  // A ping vouches until the next one should have answered.
  const vouch = () => vouchForInvalidation(Date.now() + pingIntervalMs + pingTimeoutMs);

  let stopped = false;
  let current: pg.Client | null = null;
  let listening = false;
  let failures = 0;
  let warnedLostListen = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let pingTimer: ReturnType<typeof setInterval> | null = null;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  function scheduleReconnect(reason: string): void {
    if (stopped || retryTimer) return;
    const base = Math.min(maxBackoffMs, minBackoffMs * 2 ** failures);
    // Jitter, so that many processes do not reconnect to a recovering database in lockstep.
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    if (failures === 0) log(`key change listener disconnected (${reason}); reconnecting`);
    failures += 1;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, delay);
    retryTimer.unref();
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    const client = new pg.Client({
      connectionString,
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
      // Bounds the ping: a query on a dead connection would otherwise wait forever.
      query_timeout: 5_000,
      application_name: "keydesk-key-listener",
    });
    current = client;
    let failed = false;
    const fail = (reason: string) => {
      if (failed) return;
      failed = true;
      if (current === client) {
        current = null;
        listening = false;
        vouchForInvalidation(0);
        options.index?.notListening();
        if (pingTimer) clearInterval(pingTimer);
        pingTimer = null;
      }
      client.removeAllListeners("notification");
      // Not awaited: ending a connection whose peer vanished can hang until TCP gives up.
      client.end().catch(() => undefined);
      scheduleReconnect(reason);
    };
    client.on("error", (error) => fail(describe(error)));
    client.on("end", () => fail("connection closed"));
    client.on("notification", (message) => {
      if (message.channel === KEY_CHANGED_CHANNEL) applyKeyChange(message.payload);
      else if (message.channel === PROJECT_CHANGED_CHANNEL) invalidateProjectTable();
      else if (message.channel === KEY_CREATED_CHANNEL) {
        if (message.payload === ALL_KEYS || !message.payload) options.index?.reconcileSoon();
        else addKeyHash(message.payload);
      }
    });

    try {
      await client.connect();
      await client.query(CHANNELS.map((channel) => `LISTEN "${channel}"`).join("; "));
    } catch (error) {
      fail(describe(error));
      return;
    }
    if (stopped || failed) {
      if (!failed) await client.end().catch(() => undefined);
      return;
    }
    // Notifications sent before this LISTEN (or while reconnecting) never reach us.
    clearKeyCache();
    invalidateProjectTable();
    // Loaded now rather than by the first verification; if this fails, that one tries again.
    warmProjectTable().catch(() => undefined);
    listening = true;
    vouch();
    options.index?.listening();
    if (failures > 0) log("key change listener reconnected; key cache cleared");
    failures = 0;
    markReady();
    let pingInFlight = false;
    pingTimer = setInterval(() => {
      if (pingInFlight) return;
      pingInFlight = true;
      // Slower than pingTimeoutMs, the ping stops vouching (the cache re-reads anything older than
      // a second) but the connection is kept: a ping that answers late proves it alive, and the
      // notifications sent before its answer arrived before it, in order. Only an error or
      // query_timeout (5 s) ends the connection, and with it the cache, which a reconnect must
      // clear. On a loaded machine a late ping used to empty a million-key cache each time.
      const timeout = setTimeout(() => vouchForInvalidation(0), pingTimeoutMs);
      client.query<{ listening: number }>(PING).then(
        (result) => {
          pingInFlight = false;
          clearTimeout(timeout);
          if (current !== client || failed) return;
          if (result.rows[0]?.listening === CHANNELS.length) {
            vouch();
            return;
          }
          if (!warnedLostListen) log("the key listener's connection lost its LISTEN: is DATABASE_URL a PgBouncer in transaction pooling mode? Use session mode or a direct connection");
          warnedLostListen = true;
          fail("the session no longer listens");
        },
        (error: unknown) => {
          pingInFlight = false;
          clearTimeout(timeout);
          fail(`ping failed: ${describe(error)}`);
        },
      );
    }, pingIntervalMs);
    pingTimer.unref();
  }

  void connect();

  return {
    ready,
    isListening: () => listening,
    async stop() {
      stopped = true;
      listening = false;
      vouchForInvalidation(0);
      options.index?.notListening();
      if (retryTimer) clearTimeout(retryTimer);
      if (pingTimer) clearInterval(pingTimer);
      retryTimer = null;
      pingTimer = null;
      const client = current;
      current = null;
      if (client) {
        client.removeAllListeners("notification");
        await Promise.race([
          client.end().catch(() => undefined),
          new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref()),
        ]);
      }
    },
  };
}
