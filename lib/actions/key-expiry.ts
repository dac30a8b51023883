"use server";
// The key page's "Change expiry". The service checks the permission and the project's policy again.
import { revalidatePath } from "next/cache";
import { formValues, type FormState } from "@/lib/actions/form-state";
import { runAction } from "@/lib/actions/run-action";
import { authorize, currentRequestContext } from "@/lib/auth/session";
import { changeApiKeyExpiry } from "@/lib/services/key-expiry";

export async function changeKeyExpiryAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("keys.update");
    const changed = await changeApiKeyExpiry({ type: "user", user }, values, await currentRequestContext());
    revalidatePath(`/settings/api-keys/${changed.publicId}`);
    revalidatePath("/settings/api-keys");
    return { ok: true, message: changed.expiresAt ? "Expiry changed." : "The key no longer expires." };
  }, values);
}
