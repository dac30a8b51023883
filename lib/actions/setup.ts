"use server";
import { headers } from "next/headers";
import { z } from "zod";
import type { FormState } from "@/lib/actions/form-state";
import { runAction } from "@/lib/actions/run-action";
import { SETUP_HOST_REFUSED, isSetupHostAllowed } from "@/lib/auth/setup-host";
import { currentRequestContext } from "@/lib/auth/session";
import { createFirstAdmin } from "@/lib/services/setup";
import { setupSchema } from "@/lib/validations/user";

export interface SetupFormState extends FormState {
  email?: string;
}

export async function completeSetup(_prev: SetupFormState, form: FormData): Promise<SetupFormState> {
  const setupToken = String(form.get("setupToken") ?? "").trim();
  // The token goes back to the browser that typed it, so a failed submit does not clear it.
  const values = { email: String(form.get("email") ?? ""), name: String(form.get("name") ?? ""), setupToken };
  if (!isSetupHostAllowed((await headers()).get("host"))) return { error: SETUP_HOST_REFUSED, values };
  const parsed = setupSchema.safeParse({ email: values.email, name: values.name, password: form.get("password") });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  if (form.get("password") !== form.get("confirmPassword")) {
    return { fieldErrors: { confirmPassword: ["Passwords do not match"] }, values };
  }
  if (!setupToken) return { fieldErrors: { setupToken: ["Enter the setup token from the server log"] }, values };
  return runAction<SetupFormState>(async () => {
    const result = await createFirstAdmin(parsed.data, await currentRequestContext(), { via: "setup-page", setupToken });
    if (result.ok) return { ok: true, email: parsed.data.email, message: "Administrator created." };
    if (result.reason === "bad-token") {
      return {
        fieldErrors: { setupToken: ["This is not the setup token this server printed at start. Copy it again from the log or the setup-token file."] },
        values,
      };
    }
    return { error: "Keydesk is already set up. Sign in with your account instead.", values };
  }, values);
}
