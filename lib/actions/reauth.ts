"use server";
// The confirm-password dialog's action (components/auth/confirm-password-dialog.tsx): proves the
// password again in this session so that actions behind requireRecentAuth() go through.
import type { FormState } from "@/lib/actions/form-state";
import { runAction } from "@/lib/actions/run-action";
import { signedInUser } from "@/lib/auth/session";
import { confirmOwnPassword } from "@/lib/services/profile";

export async function confirmPasswordAction(_prev: FormState, form: FormData): Promise<FormState> {
  const password = String(form.get("password") ?? "");
  return runAction(async () => {
    const user = await signedInUser();
    await confirmOwnPassword({ type: "user", user }, { password });
    return { ok: true, message: "Password confirmed." };
  });
}
