// Records canary uses noted on the verification hot path (lib/keys/canary.ts): each becomes a
// key.canary_used audit event, which recordAudit turns into an outbox event in the same
// transaction, so the webhook and the alert mail follow within a second.
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { returnCanaryUses, takeCanaryUses } from "@/lib/keys/canary";

/** Records what is waiting; returns how many uses were recorded. */
export async function recordCanaryUses(log?: (message: string) => void): Promise<number> {
  const { uses, suppressed } = takeCanaryUses();
  if (suppressed > 0) log?.(`canary keys: ${suppressed} further use(s) within the alert limits were not alerted one by one`);
  let recorded = 0;
  for (const [index, use] of uses.entries()) {
    try {
      const alerted = await db.$transaction(async (tx) => {
        const key = await tx.apiKey.findUnique({ where: { id: use.keyId }, select: { publicId: true, name: true, projectId: true, canary: true } });
        if (!key?.canary) return false;
        const request = [use.method ?? "(no method)", use.path ?? "(no path)"].join(" ");
        await recordAudit(tx, {
          actor: { type: "anonymous", label: use.ip ? `Caller from ${use.ip}` : "Unknown caller" },
          action: "key.canary_used",
          summary: `Canary key "${key.name}" (${key.publicId}) was tried: ${request}${use.ip ? ` from ${use.ip}` : ""}`,
          targetType: "key",
          targetId: key.publicId,
          projectId: key.projectId,
          keyId: use.keyId,
          metadata: { method: use.method, path: use.path, ip: use.ip, at: use.at.toISOString() },
          context: { ip: use.ip, userAgent: null },
        });
        return true;
      });
      if (alerted) recorded += 1;
    } catch (error) {
      // The database is down or busy: keep the rest for the next pass.
      returnCanaryUses(uses.slice(index));
      throw error;
    }
  }
  return recorded;
}
