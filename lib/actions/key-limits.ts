"use server";
// Server actions behind a key's Usage limits card: change its limits, add credits, and read their
// state for the card's refresh. Each checks the caller's permission on the server first.
import { revalidatePath } from "next/cache";
import { formValues, type FormState } from "@/lib/actions/form-state";
import { runAction } from "@/lib/actions/run-action";
import { authorize, currentRequestContext } from "@/lib/auth/session";
import { formatCount } from "@/lib/format";
import { readKeyLimits, type KeyLimitsView } from "@/lib/queries/key-limits";
import { addCredits, updateKeyLimits } from "@/lib/services/key-limits";
import { numberFromForm } from "@/lib/validations/limits";

const KEYS_PATH = "/settings/api-keys";

/** The editor sends only the parts that changed, so editing rate limits never resets credits. */
export async function updateKeyLimitsAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  if (values.ratelimits === undefined && values.credits === undefined) return { ok: true, message: "No changes to save." };
  return runAction(async () => {
    const user = await authorize("keys.update");
    await updateKeyLimits({ type: "user", user }, { keyId: values.keyId, ratelimits: values.ratelimits, credits: values.credits }, await currentRequestContext());
    revalidatePath(`${KEYS_PATH}/${values.keyId}`);
    return { ok: true, message: "Saved the usage limits. Every Keydesk instance applies them within a second." };
  }, values);
}

export async function addCreditsAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("keys.update");
    const { limits: view } = await addCredits({ type: "user", user }, { keyId: values.keyId, amount: numberFromForm(values.amount) }, await currentRequestContext());
    revalidatePath(`${KEYS_PATH}/${values.keyId}`);
    return { ok: true, message: `Added credits: ${formatCount(view.credits?.remaining ?? 0)} left now.` };
  }, values);
}

/** The current state, for the card to refresh itself every few seconds. */
export async function readKeyLimitsAction(keyId: string): Promise<KeyLimitsView | null> {
  await authorize("keys.read");
  return typeof keyId === "string" && keyId.length <= 64 ? readKeyLimits(keyId) : null;
}
