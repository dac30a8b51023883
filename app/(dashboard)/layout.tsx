import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { signOutAction } from "@/lib/actions/auth";
import { requireUser } from "@/lib/auth/session";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <AppShell user={{ name: user.name, email: user.email, role: user.role }} signOutAction={signOutAction}>
      {children}
    </AppShell>
  );
}
