"use server";
import { z } from "zod";
import type { FormState } from "@/lib/actions/form-state";
import { currentRequestContext } from "@/lib/auth/session";
import { createFirstAdmin } from "@/lib/services/setup";
import { setupSchema } from "@/lib/validations/user";

export interface SetupFormState extends FormState {
  email?: string;
}

export async function completeSetup(_prev: SetupFormState, form: FormData): Promise<SetupFormState> {
  const values = { email: String(form.get("email") ?? ""), name: String(form.get("name") ?? "") };
  const parsed = setupSchema.safeParse({ ...values, password: form.get("password") });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  if (form.get("password") !== form.get("confirmPassword")) {
    return { fieldErrors: { confirmPassword: ["Passwords do not match"] }, values };
  }
  const result = await createFirstAdmin(parsed.data, await currentRequestContext(), "setup-page");
  if (!result.ok) return { error: "Keydesk is already set up. Sign in with your account instead.", values };
  return { ok: true, email: parsed.data.email, message: "Administrator created." };
}
