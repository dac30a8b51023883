import { z } from "zod";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import { wellFormed } from "@/lib/validations/text";

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export const emailSchema = z
  .string({ error: "Email is required" })
  .trim()
  .min(1, "Email is required")
  .max(254, "Email must be at most 254 characters")
  .refine(...wellFormed("Email"))
  .pipe(z.email({ error: "Enter a valid email address" }))
  .transform((email) => email.toLowerCase());

export const personNameSchema = z
  .string({ error: "Name is required" })
  .trim()
  .min(1, "Name is required")
  .max(100, "Name must be at most 100 characters")
  .refine((name) => !CONTROL_CHARS.test(name), "Name must not contain control characters")
  .refine(...wellFormed("Name"));

export const newPasswordSchema = z
  .string({ error: "Password is required" })
  .min(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `Password must be at most ${MAX_PASSWORD_LENGTH} characters`)
  // A lone surrogate becomes U+FFFD when hashed: two different passwords would hash alike.
  .refine(...wellFormed("Password"));

export const setupSchema = z.object({
  email: emailSchema,
  name: personNameSchema,
  password: newPasswordSchema,
});
export type SetupInput = z.infer<typeof setupSchema>;

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Password is required").max(MAX_PASSWORD_LENGTH).refine(...wellFormed("Password")),
});
