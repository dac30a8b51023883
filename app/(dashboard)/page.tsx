import { KeyRound, TriangleAlert } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { MailStatus } from "@/components/admin/webhooks/mail-status";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { requireUser } from "@/lib/auth/session";
import { mailSettings } from "@/lib/notifications/mail/config";
import { getDashboardSummary } from "@/lib/queries/dashboard";

export const metadata: Metadata = { title: "Dashboard" };

interface DashboardPageProps {
  searchParams: Promise<{ denied?: string }>;
}

export default async function DashboardPage({ searchParams }: DashboardPageProps) {
  const user = await requireUser();
  const { denied } = await searchParams;
  const summary = await getDashboardSummary();
  const mail = mailSettings();
  const stats = [
    { label: "Active keys", value: summary.activeKeys },
    { label: "Expiring within 7 days", value: summary.expiringSoon },
    { label: "Revoked in the last 30 days", value: summary.revokedLast30Days },
    { label: "Projects", value: summary.projects },
  ];

  return (
    <div className="grid grid-cols-1 gap-6">
      <PageHeader
        title={`Welcome, ${user.name}`}
        description={`Signed in as ${user.email} · ${ROLE_LABELS[user.role]}`}
        actions={
          <Button asChild>
            <Link href="/settings/api-keys">
              <KeyRound aria-hidden /> API keys
            </Link>
          </Button>
        }
      />
      {denied && !can(user, "users.manage") ? (
        <div role="alert" className="flex items-start gap-3 rounded-md border border-warning/40 bg-warning/10 px-4 py-3 text-sm">
          <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden />
          <p>That page is for administrators. Your role ({ROLE_LABELS[user.role]}) can view keys but not change settings.</p>
        </div>
      ) : null}
      {/* Administrators can turn email on; everyone else would only be told something they cannot change. */}
      {!mail.enabled && can(user, "webhooks.manage") ? <MailStatus enabled={false} server={null} from={null} /> : null}
      <section aria-label="Summary" className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
        {stats.map((stat) => (
          <Card key={stat.label}>
            <CardHeader className="h-full justify-between gap-2 p-4 sm:p-5">
              <CardDescription>{stat.label}</CardDescription>
              <CardTitle as="p" className="text-3xl tabular-nums">{stat.value}</CardTitle>
            </CardHeader>
          </Card>
        ))}
      </section>
      <Card>
        <CardHeader>
          <CardTitle>Keeping keys safe</CardTitle>
          <CardDescription>What the teams who run Keydesk recommend.</CardDescription>
        </CardHeader>
        <CardContent>
          <ul className="list-disc space-y-1 pl-5 text-sm text-muted-foreground">
            <li>Create one key per application or partner, with a name that says which.</li>
            <li>Give keys an expiry and the narrowest constraints that work.</li>
            <li>Rotate keys regularly; revoke a key the moment it may have leaked.</li>
            {can(user, "keys.create") ? null : <li>Only administrators can create, rotate or revoke keys.</li>}
          </ul>
        </CardContent>
      </Card>
    </div>
  );
}
