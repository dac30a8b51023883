import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SetupForm } from "@/components/auth/setup-form";
import { withDatabase } from "@/components/auth/with-database";
import { hasAnyUser } from "@/lib/services/setup";

export const metadata: Metadata = { title: "Set up Keydesk" };

export default async function SetupPage() {
  return withDatabase(async () => {
    // The setup page exists only until the first administrator does.
    if (await hasAnyUser()) redirect("/sign-in");
    return <SetupForm />;
  });
}
