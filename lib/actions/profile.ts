"use server";
// Server actions behind /profile and /change-password: every signed-in user, whatever their
// role, may change their own name and password. The session is re-checked here; the service
// re-reads the account.
import { revalidatePath } from "next/cache";
import type { FormState } from "@/lib/actions/form-state";
import { runAction } from "@/lib/actions/run-action";
import { NotSignedInError, currentRequestContext, signedInUser } from "@/lib/auth/session";
import { changeOwnPassword, updateOwnProfile } from "@/lib/services/profile";

export async function updateProfileAction(_prev: FormState, form: FormData): Promise<FormState> {
  const name = String(form.get("name") ?? "");
  return runAction(async () => {
    const user = await signedInUser();
    if (user.mustChangePassword) throw new NotSignedInError("Choose your own password first.");
    const updated = await updateOwnProfile({ type: "user", user }, { name }, await currentRequestContext());
    // The name is shown in the top bar on every page.
    revalidatePath("/", "layout");
    return { ok: true, message: updated.changed ? "Your name has been saved." : "Nothing to save: that is already your name." };
  }, { name });
}

/** Also the forced change after signing in with a temporary password (the only action allowed then). */
export async function changePasswordAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = {
    currentPassword: String(form.get("currentPassword") ?? ""),
    password: String(form.get("password") ?? ""),
    confirmPassword: String(form.get("confirmPassword") ?? ""),
  };
  return runAction(async () => {
    const user = await signedInUser();
    await changeOwnPassword({ type: "user", user }, input, await currentRequestContext());
    // Every other session of this account has just ended; this one carries on.
    revalidatePath("/", "layout");
    return { ok: true, message: "Your password has been changed, and you have been signed out everywhere else." };
  });
}
