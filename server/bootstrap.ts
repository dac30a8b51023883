// Headless installs and tests: KEYDESK_ADMIN_EMAIL + KEYDESK_ADMIN_PASSWORD (+ KEYDESK_ADMIN_NAME)
// create the first administrator at start when no user exists yet. Invalid values stop start-up
// with the validation message (never the password itself).
import { createFirstAdmin, hasAnyUser } from "@/lib/services/setup";
import { setupSchema } from "@/lib/validations/user";
import { log } from "@/server/log";

export async function bootstrapAdminFromEnv(): Promise<void> {
  const email = process.env.KEYDESK_ADMIN_EMAIL;
  const password = process.env.KEYDESK_ADMIN_PASSWORD;
  if (!email || !password) return;
  if (await hasAnyUser()) return;
  const parsed = setupSchema.safeParse({ email, password, name: process.env.KEYDESK_ADMIN_NAME || "Administrator" });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`KEYDESK_ADMIN_* is invalid: ${problems}`);
  }
  const result = await createFirstAdmin(parsed.data, null, "environment");
  if (result.ok) log(`created administrator ${parsed.data.email} from KEYDESK_ADMIN_EMAIL`);
}
