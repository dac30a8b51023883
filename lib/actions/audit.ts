"use server";
// Server action behind Admin → Audit log's "Verify integrity" button.
import type { FormState } from "@/lib/actions/form-state";
import { runAction } from "@/lib/actions/run-action";
import { authorize } from "@/lib/auth/session";
import { verifyAuditChain, type ChainVerification } from "@/lib/services/audit-log";
import { invalid } from "@/lib/services/errors";
import { exportedHeadSchema } from "@/lib/validations/audit";

export interface VerifyChainState extends FormState {
  result?: ChainVerification;
  /** When the check finished (ISO), so repeating it visibly refreshes the result. */
  checkedAt?: string;
}

export async function verifyAuditChainAction(_prev: VerifyChainState, form: FormData): Promise<VerifyChainState> {
  const values = { headId: String(form.get("headId") ?? ""), headHash: String(form.get("headHash") ?? "") };
  return runAction(async () => {
    await authorize("audit.read");
    const parsed = exportedHeadSchema.safeParse(values);
    if (!parsed.success) throw invalid(parsed.error, "Check the chain head copied from the export.");
    const result = await verifyAuditChain(parsed.data ? { expectedHead: parsed.data } : {});
    return { ok: result.intact, result, message: result.message, checkedAt: new Date().toISOString(), values };
  }, values);
}
