import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { withDatabase } from "@/components/auth/with-database";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { getCurrentUser } from "@/lib/auth/session";
import { hasAnyUser } from "@/lib/services/setup";

export const metadata: Metadata = { title: "Sign in" };

interface SignInPageProps {
  searchParams: Promise<{ callbackUrl?: string; error?: string; signedOut?: string }>;
}

export default async function SignInPage({ searchParams }: SignInPageProps) {
  const params = await searchParams;
  return withDatabase(async () => {
    if (!(await hasAnyUser())) redirect("/setup");
    if (await getCurrentUser()) redirect("/");
    return (
      <SignInForm
        callbackUrl={safeCallbackPath(params.callbackUrl)}
        initialError={params.error ? "Incorrect email or password." : undefined}
        signedOut={params.signedOut === "1"}
      />
    );
  });
}
