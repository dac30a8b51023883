import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ForcedPasswordChange } from "@/components/auth/forced-password-change";
import { withDatabase } from "@/components/auth/with-database";
import { getCurrentUser, signInRedirect } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Choose your password" };

/**
 * After signing in with a temporary password an administrator handed out: nothing else opens
 * until the person has chosen their own (lib/auth/session.ts requireUser sends them here).
 */
export default async function ChangePasswordPage() {
  return withDatabase(async () => {
    const user = (await getCurrentUser()) ?? (await signInRedirect());
    if (!user.mustChangePassword) redirect("/profile");
    return <ForcedPasswordChange name={user.name} email={user.email} />;
  });
}
