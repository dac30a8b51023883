"use server";
// Server actions behind /profile: every signed-in user, whatever their role, may change their
// own name and password. The session is re-checked here; the service re-reads the account.
import { revalidatePath } from "next/cache";
import type { FormState } from "@/lib/actions/form-state";
import { runAction } from "@/lib/actions/run-action";
import { NotSignedInError, currentRequestContext, getCurrentUser } from "@/lib/auth/session";
import { reissueOwnSession } from "@/lib/auth/session-cookie";
import { changeOwnPassword, updateOwnProfile } from "@/lib/services/users";

async function signedInActor() {
  const user = await getCurrentUser();
  if (!user) throw new NotSignedInError();
  return { type: "user" as const, user };
}

export async function updateProfileAction(_prev: FormState, form: FormData): Promise<FormState> {
  const name = String(form.get("name") ?? "");
  return runAction(async () => {
    const updated = await updateOwnProfile(await signedInActor(), { name }, await currentRequestContext());
    // The name is shown in the top bar on every page.
    revalidatePath("/", "layout");
    return { ok: true, message: updated.changed ? "Your name has been saved." : "Nothing to save: that is already your name." };
  }, { name });
}

export async function changePasswordAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = {
    currentPassword: String(form.get("currentPassword") ?? ""),
    password: String(form.get("password") ?? ""),
    confirmPassword: String(form.get("confirmPassword") ?? ""),
  };
  return runAction(async () => {
    const { sessionsValidFrom } = await changeOwnPassword(await signedInActor(), input, await currentRequestContext());
    // Every other session of this account has just ended; this one carries on.
    await reissueOwnSession(sessionsValidFrom);
    return { ok: true, message: "Your password has been changed, and you have been signed out everywhere else." };
  });
}
