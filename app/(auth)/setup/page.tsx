import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { SetupForm } from "@/components/auth/setup-form";
import { withDatabase } from "@/components/auth/with-database";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { SETUP_HOST_REFUSED, isSetupHostAllowed } from "@/lib/auth/setup-host";
import { hasAnyUser } from "@/lib/services/setup";

// The setup token may be in the URL: keep it out of Referer headers and search engines.
export const metadata: Metadata = { title: "Set up Keydesk", referrer: "no-referrer", robots: { index: false, follow: false } };

interface SetupPageProps {
  searchParams: Promise<{ token?: string | string[] }>;
}

export default async function SetupPage({ searchParams }: SetupPageProps) {
  const { token } = await searchParams;
  return withDatabase(async () => {
    // The setup page exists only until the first administrator does.
    if (await hasAnyUser()) redirect("/sign-in");
    if (!isSetupHostAllowed((await headers()).get("host"))) {
      return (
        <Card>
          <CardHeader>
            <CardTitle as="h1">Setup is not available at this address</CardTitle>
            <CardDescription>{SETUP_HOST_REFUSED}</CardDescription>
          </CardHeader>
        </Card>
      );
    }
    const initialToken = typeof token === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(token) ? token : "";
    return <SetupForm initialToken={initialToken} />;
  });
}
