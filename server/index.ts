// Keydesk's HTTP server: one process, one port. It prepares the database (embedded PostgreSQL
// unless DATABASE_URL is set, then migrations), then serves requests through Next.js.
// The verification hot path is answered here, before Next's request pipeline (see issue 4).
import http from "node:http";
import path from "node:path";
import next from "next";
import { ensureIdempotencySecret } from "@/lib/api/idempotency-secret";
import { auditHeadSettled } from "@/lib/audit-head";
import { ensureAuthSecret } from "@/lib/auth/auth-secret";
import { dataDir } from "@/lib/data-dir";
import { reassertAuditPrivileges } from "@/lib/db/app-role";
import { migrateAsOwner, resolveDatabase } from "@/lib/db/runtime";
import { disconnectDb } from "@/lib/db";
import { keyCacheStats } from "@/lib/keys/key-cache";
import { existingLimiter, stopLimiter } from "@/lib/keys/limits/runtime";
import { clientIp } from "@/lib/net/client-ip";
import { keyCacheWarmEnabled, keyCacheWarmStats, startKeyCacheWarmer } from "@/lib/keys/key-cache-warm";
import { keyIndexStats } from "@/lib/keys/key-index";
import { startKeyIndexSync } from "@/lib/keys/key-index-sync";
import { startKeyChangeListener } from "@/lib/keys/listener";
import { flushUsage, oneLine, startUsageFlusher, stopUsageFlusher, usageStats } from "@/lib/keys/usage";
import { mailSettings } from "@/lib/notifications/mail/config";
import { startNotificationWorkers } from "@/lib/notifications/runtime";
import { CLIENT_IP_HEADER } from "@/lib/request-context";
import { PostgresTrailSink } from "@/lib/trail/postgres-sink";
import { maintainTrail, startTrailWriter, stopTrailWriter, trailWriterStats } from "@/lib/trail/writer";
import { API_HEADERS, apiEdge, isApiRequest, sendApiError } from "@/server/api-edge";
import { logApiRequest } from "@/server/access-log";
import { prepareFirstRun } from "@/server/bootstrap";
import { describeListenError, listen, parsePort, probePort } from "@/server/listen";
import { log } from "@/server/log";
import { rejectOversizedBody } from "@/server/body-limit";
import { inRequestScope, withRequestId } from "@/server/request-scope";
import { setUpProcessOutput } from "@/server/log-file";
import { checkAuditChain, checkDatabaseRole } from "@/server/start-checks";
import { applyServerTimeouts, serverOptions } from "@/server/timeouts";
import { answerUnavailable, needsDatabase } from "@/server/unavailable";
import { createVerifyHandler, isVerifyPath } from "@/server/verify-handler";

const dev = process.argv.includes("--dev");
const hostname = process.env.HOST ?? "0.0.0.0";
const SHUTDOWN_GRACE_MS = 10_000;
/** `npm run bench` only (bench/run.ts): a lean no-op route (its ceiling) and server counters. */
const benchMode = process.env.KEYDESK_BENCH === "1";

function benchRoute(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const end = req.url?.indexOf("?") ?? -1;
  const pathname = end === -1 ? req.url : req.url?.slice(0, end);
  const answer = (body: unknown) => {
    const json = JSON.stringify(body);
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store", "content-length": String(Buffer.byteLength(json)) });
    res.end(json);
  };
  if (pathname === "/api/v1/bench/noop") {
    // Reads the body like the verify handler does, then answers without doing anything.
    req.resume();
    req.on("end", () => answer({ ok: true }));
    return true;
  }
  if (pathname === "/api/v1/bench/stats") {
    // ?gc=1 collects garbage first (when node runs with --expose-gc), so that memory figures show
    // what is retained rather than how lazily V8 collects.
    if (req.url?.includes("gc=1")) (globalThis as { gc?: () => void }).gc?.();
    answer({
      keyCache: keyCacheStats(),
      keyIndex: keyIndexStats(),
      keyCacheWarm: keyCacheWarmStats(),
      usage: usageStats(),
      trail: trailWriterStats(),
      limits: existingLimiter()?.stats() ?? null,
      memory: process.memoryUsage(),
    });
    return true;
  }
  return false;
}

/** What start-up has started so far, stopped in reverse order when a later step fails. */
const startedParts: (() => Promise<void>)[] = [];

async function stopStartedParts(): Promise<void> {
  for (const stop of startedParts.splice(0).reverse()) await stop().catch(() => undefined);
}

function envMs(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

async function main() {
  const started = Date.now();
  const port = parsePort(process.env.PORT, 3000);
  // Before the database starts: a taken port fails at once and leaves nothing running.
  await probePort(port, hostname).catch((error: unknown) => {
    throw new Error(describeListenError(error, port, hostname));
  });

  // Set by the supervisor of the embedded PostgreSQL while it restarts a server that died.
  let databaseDown = false;
  const database = await resolveDatabase({
    log,
    supervise: {
      onDown: () => {
        databaseDown = true;
        log("answering 503 until PostgreSQL is back");
      },
      onUp: () => {
        databaseDown = false;
      },
    },
  });
  startedParts.push(() => database.stop());
  startedParts.push(() => disconnectDb());
  // Migrations as the owner of the tables; everything else as the application's role.
  const applied = await migrateAsOwner(database, log);
  if (applied.length) log(`applied ${applied.length} migration(s): ${applied.join(", ")}`);
  await reassertAuditPrivileges(database.ownerUrl);
  await checkDatabaseRole(database, log);
  ensureAuthSecret(dataDir(), (message) => log(`warning: ${message}`));
  ensureIdempotencySecret(dataDir());
  process.env.AUTH_TRUST_HOST ??= process.env.NEXTAUTH_URL ? undefined : "true";
  await checkAuditChain(log);
  await prepareFirstRun();
  // Before any request: every process must hear about revocations from the others. It keeps
  // retrying on its own, so start-up does not wait for it. The membership index loads once the
  // listener is LISTENing (so that no key created meanwhile is missed); until then verification
  // asks the database.
  // The key cache is filled from the database once the index has loaded (key-cache-warm.ts).
  const warmer = keyCacheWarmEnabled() ? startKeyCacheWarmer({ log }) : null;
  if (warmer) startedParts.push(() => warmer.stop());
  const keyIndex = startKeyIndexSync(database.appUrl, { log, checkIntervalMs: envMs("KEYDESK_KEY_INDEX_CHECK_MS", 30_000), onLoaded: () => warmer?.soon() });
  startedParts.push(() => keyIndex.stop());
  const keyListener = startKeyChangeListener(database.appUrl, { log, index: keyIndex });
  startedParts.push(() => keyListener.stop());
  startUsageFlusher({ onError: log });
  startedParts.push(async () => stopUsageFlusher());
  // The request trail (lib/trail): its writer, and today's and the next days' partitions now.
  startTrailWriter({ sink: new PostgresTrailSink({ connectionString: database.appUrl }), log });
  startedParts.push(async () => void (await stopTrailWriter({ timeoutMs: 1_000 })));
  await maintainTrail();
  // Webhooks, mail, leak reports and the scheduler (issue 17); every instance runs them.
  const notifications = startNotificationWorkers({ log });
  startedParts.push(() => notifications.stop());
  const mail = mailSettings();
  log(mail.enabled ? `email on: sending through ${mail.server} as ${mail.from}` : "email off: set SMTP_URL and KEYDESK_MAIL_FROM to send reminders and alerts");

  const app = next({ dev, dir: path.resolve(import.meta.dirname, ".."), hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const verify = createVerifyHandler({ log, headers: API_HEADERS, inRequestScope: withRequestId });

  let stopping = false;
  const server = http.createServer(serverOptions, (req, res) => {
    // While shutting down, answer what arrives on open keep-alive connections but close them
    // after, so clients move on instead of keeping this process busy until the grace period ends.
    if (stopping) res.setHeader("connection", "close");
    // The hot path first, outside the request scope: the handler sets the same headers as the
    // API's edge and the Request-Id itself, and tags its few log lines with that id.
    if (req.method === "POST" && isVerifyPath(req.url)) {
      verify(req, res);
      return;
    }
    if (benchMode && benchRoute(req, res)) return;
    // Every response carries Request-Id, and every line logged meanwhile names it.
    inRequestScope(req, res, () => {
      const api = isApiRequest(req);
      if (api) logApiRequest(req, res, log);
      if (api && apiEdge(req, res)) return;
      if (isVerifyPath(req.url)) {
        verify(req, res);
        return;
      }
      if (databaseDown && needsDatabase(req)) {
        answerUnavailable(req, res);
        return;
      }
      if (rejectOversizedBody(req, res)) return;
      req.headers[CLIENT_IP_HEADER] = clientIp(req);
      handle(req, res).catch((error: unknown) => {
        log(`request failed: ${error instanceof Error ? error.message : String(error)}`);
        if (api) sendApiError(res, 500, "internal_error", "Something went wrong. Nothing was changed.");
        else {
          if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
          res.end("Internal Server Error");
        }
      });
    });
  });
  applyServerTimeouts(server);

  // The probe above passed, but something may have taken the port during start-up.
  await listen(server, port, hostname).catch((error: unknown) => {
    throw new Error(describeListenError(error, port, hostname));
  });
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  log(`ready on http://localhost:${boundPort} (${dev ? "development" : "production"}, ${Date.now() - started} ms)`);

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received: finishing in-flight requests`);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS))]);
    server.closeAllConnections();
    // After the last request, so no verification is left uncounted.
    stopUsageFlusher();
    await flushUsage().catch((error: unknown) => {
      log(`usage flush at shutdown failed, counts lost: ${oneLine(error)}`);
    });
    await notifications.stop();
    const trail = await stopTrailWriter({ timeoutMs: SHUTDOWN_GRACE_MS });
    if (trail.lost > 0) log(`request trail: ${trail.lost} event(s) could not be written at shutdown and are lost`);
    await keyListener.stop();
    await auditHeadSettled();
    await keyIndex.stop();
    await warmer?.stop();
    // After the last request: hands back the budget this process leased and did not use.
    await stopLimiter().catch(() => undefined);
    await disconnectDb().catch(() => undefined);
    await database.stop();
    log("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

// First, so that no line (a failed start's included) can meet a broken stdout unguarded.
setUpProcessOutput(process.env.KEYDESK_LOG_FILE);
main().catch(async (error: unknown) => {
  log(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  // Never leave the embedded PostgreSQL (or anything else) running behind a failed start.
  await stopStartedParts();
  process.exit(1);
});
