"use server";
// Server action behind Admin → Audit log's "Verify integrity" button.
import type { FormState } from "@/lib/actions/form-state";
import { runAction } from "@/lib/actions/run-action";
import { authorize } from "@/lib/auth/session";
import { verifyAuditChain, type ChainVerification } from "@/lib/services/audit-log";

export interface VerifyChainState extends FormState {
  result?: ChainVerification;
  /** When the check finished (ISO), so repeating it visibly refreshes the result. */
  checkedAt?: string;
}

export async function verifyAuditChainAction(_prev: VerifyChainState, _form: FormData): Promise<VerifyChainState> {
  return runAction(async () => {
    await authorize("audit.read");
    const result = await verifyAuditChain();
    return { ok: result.intact, result, message: result.message, checkedAt: new Date().toISOString() };
  });
}
