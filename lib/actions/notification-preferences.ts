"use server";
// The Profile page's email opt-outs: every signed-in user sets their own.
import { revalidatePath } from "next/cache";
import type { FormState } from "@/lib/actions/form-state";
import { runAction } from "@/lib/actions/run-action";
import { NotSignedInError, currentRequestContext, getCurrentUser } from "@/lib/auth/session";
import { updateNotificationPreferences } from "@/lib/services/notification-preferences";

export async function updateNotificationPreferencesAction(_prev: FormState, form: FormData): Promise<FormState> {
  return runAction(async () => {
    const user = await getCurrentUser();
    if (!user) throw new NotSignedInError();
    const result = await updateNotificationPreferences(
      { type: "user", user },
      { emailReminders: form.get("emailReminders"), emailAlerts: form.get("emailAlerts") },
      await currentRequestContext(),
    );
    revalidatePath("/profile");
    return { ok: true, message: result.changed.length === 0 ? "Nothing to save: these are already your settings." : "Your email settings have been saved." };
  });
}
