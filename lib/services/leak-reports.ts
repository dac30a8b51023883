// Leaked-key reports: anyone (a scanner, a researcher, GitHub) may report secrets found in the
// wild, without authentication. Intake stores only the SHA-256 of each well-formed Keydesk
// secret and answers the same whether or not it belongs to a key: no lookup happens while the
// reporter waits, so neither the answer nor its timing says which secrets exist. The reports are
// then processed by the notification worker (processLeakReports), which records where each key
// was found, raises key.leaked and applies the project's policy: revoke at once (the default) or
// mark the key "reported leaked" for an administrator to decide. Reports that match no key are
// deleted.
import { recordAudit, type AuditActor, type RequestContext } from "@/lib/audit";
import { db } from "@/lib/db";
import { emitKeyChanged, notifyKeyChanged } from "@/lib/keys/invalidation";
import { hashSecret, parseSecret } from "@/lib/keys/secret";
import { invalid } from "@/lib/services/errors";
import { leakReportSchema } from "@/lib/validations/leak-report";

const BATCH_SIZE = 50;

export async function reportLeakedCredentials(raw: unknown, context: RequestContext | null): Promise<{ received: number }> {
  const parsed = leakReportSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error, parsed.error.issues[0]?.message ?? "The report is not well-formed.");
  const credentials = parsed.data.credentials;
  // Strings that cannot be Keydesk secrets (wrong format or checksum) cannot match a key.
  const rows = credentials.flatMap((credential) => {
    const secret = parseSecret(credential.token);
    return secret.ok ? [{ tokenHash: hashSecret(secret.secret), url: credential.url, reporterIp: context?.ip?.slice(0, 64) ?? null }] : [];
  });
  if (rows.length > 0) await db.leakReport.createMany({ data: rows });
  return { received: credentials.length };
}

type LeakAction = "revoked" | "reported" | "already_revoked";

interface ClaimedReport {
  id: string;
  tokenHash: string;
  url: string | null;
  reporterIp: string | null;
}

/** Processes a batch of waiting reports; returns how many there were (matched or not). */
export async function processLeakReports(now: Date = new Date()): Promise<number> {
  const changed: string[] = [];
  // Polled every second by every instance: no transaction unless a report waits.
  const waiting = await db.$queryRaw<unknown[]>`SELECT 1 FROM "LeakReport" WHERE "processedAt" IS NULL LIMIT 1`;
  if (waiting.length === 0) return 0;
  const processed = await db.$transaction(async (tx) => {
    const reports = await tx.$queryRaw<ClaimedReport[]>`
      SELECT "id", "tokenHash", "url", "reporterIp" FROM "LeakReport"
       WHERE "processedAt" IS NULL ORDER BY "receivedAt" LIMIT ${BATCH_SIZE} FOR UPDATE SKIP LOCKED`;
    for (const report of reports) {
      const found = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "ApiKey" WHERE "hash" = ${report.tokenHash} FOR UPDATE`;
      const keyId = found[0]?.id;
      if (!keyId) {
        await tx.leakReport.delete({ where: { id: report.id } });
        continue;
      }
      const key = await tx.apiKey.findUniqueOrThrow({
        where: { id: keyId },
        select: { publicId: true, name: true, hash: true, revokedAt: true, projectId: true, project: { select: { leakPolicy: true } } },
      });
      const action: LeakAction = key.revokedAt ? "already_revoked" : key.project.leakPolicy === "revoke" ? "revoked" : "reported";
      // leakedAt keeps the first report; revokedBy* stay empty: nobody in Keydesk revoked it.
      await tx.$executeRaw`UPDATE "ApiKey" SET "leakedAt" = COALESCE("leakedAt", ${now}) WHERE "id" = ${keyId}::uuid`;
      if (action === "revoked") await tx.apiKey.update({ where: { id: keyId }, data: { revokedAt: now } });
      await tx.leakReport.update({ where: { id: report.id }, data: { processedAt: now, keyId, action } });

      const actor: AuditActor = { type: "anonymous", label: "Leak report" };
      const context = { ip: report.reporterIp, userAgent: null };
      const base = { actor, targetType: "key", targetId: key.publicId, projectId: key.projectId, keyId, context };
      await recordAudit(tx, {
        ...base,
        action: "key.leaked",
        summary: `Key "${key.name}" (${key.publicId}) was reported leaked${action === "revoked" ? " and revoked" : ""}`,
        metadata: { url: report.url, action },
      });
      if (action === "revoked") {
        await recordAudit(tx, {
          ...base,
          action: "key.revoked",
          summary: `Revoked key "${key.name}" (${key.publicId}): reported leaked`,
          metadata: { via: "leak_report" },
        });
        await notifyKeyChanged(tx, key.hash);
        changed.push(key.hash);
      }
    }
    return reports.length;
  });
  for (const hash of changed) emitKeyChanged(hash);
  return processed;
}
