import type { ReactNode } from "react";
import { DatabaseUnavailable } from "@/components/database-unavailable";
import { AppShell } from "@/components/layout/app-shell";
import { signOutAction } from "@/lib/actions/auth";
import { isDatabaseDown } from "@/lib/db-errors";
import { requireUser, type CurrentUser } from "@/lib/auth/session";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  let user: CurrentUser;
  try {
    user = await requireUser();
  } catch (error) {
    // A friendly page rather than a stack trace; redirects (thrown by requireUser) pass on.
    if (isDatabaseDown(error)) {
      return (
        <main id="main">
          <DatabaseUnavailable />
        </main>
      );
    }
    throw error;
  }
  return (
    <AppShell
      user={{ name: user.name, email: user.email, role: user.role, active: user.active, mustChangePassword: user.mustChangePassword }}
      signOutAction={signOutAction}
    >
      {children}
    </AppShell>
  );
}
