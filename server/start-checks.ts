// Start-up checks of what protects the audit log: the role the application connects as, the
// audit key, and the chain head recorded outside the database. Problems that leave the log
// rewritable are printed loudly at every start; ones that would break the application stop it.
import { auditHeadFile, recordAuditHead } from "@/lib/audit-head";
import { auditKey } from "@/lib/audit-key";
import { inspectAppConnection, judgeAppConnection } from "@/lib/db/app-role";
import type { ResolvedDatabase } from "@/lib/db/runtime";

type Log = (message: string) => void;

function loudly(log: Log, message: string): void {
  const rule = "!".repeat(100);
  log(rule);
  log(`WARNING: ${message}`);
  log(rule);
}

export async function checkDatabaseRole(database: ResolvedDatabase, log: Log): Promise<void> {
  const verdict = judgeAppConnection(await inspectAppConnection(database.appUrl));
  if (verdict.fatal) throw new Error(verdict.fatal);
  if (!verdict.warning) return;
  // Our own server is set up so that this cannot happen; if it does, something changed the roles.
  if (database.embedded) throw new Error(`the embedded database's application role is misconfigured: ${verdict.warning}`);
  loudly(log, verdict.warning);
}

export async function checkAuditChain(log: Log): Promise<void> {
  const key = auditKey();
  if (key.created) log(`generated the audit log's HMAC key in ${key.source}: back it up, apart from the database backups (or set KEYDESK_AUDIT_HMAC_KEY)`);
  const outcome = await recordAuditHead();
  if (outcome.status === "diverged") {
    loudly(
      log,
      `the audit log no longer holds the chain head recorded in ${auditHeadFile()} (event #${outcome.recorded.head?.id ?? "?"}): ` +
        `events were dropped or re-chained while Keydesk was not looking. Admin → Audit log → Verify integrity shows details; ` +
        `the file is kept as evidence until you remove it.`,
    );
  } else if (outcome.status === "unreadable") {
    loudly(log, `the audit chain head in ${auditHeadFile()} cannot be used (${outcome.reason}); it is kept as it is until you look into it.`);
  }
}
