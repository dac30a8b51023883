import type { Metadata } from "next";

import { RoleBadge } from "@/components/layout/role-badge";
import { ChangePasswordForm } from "@/components/profile/change-password-form";
import { NotificationPreferencesForm } from "@/components/profile/notification-preferences-form";
import { ProfileNameForm } from "@/components/profile/profile-name-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { mailSettings } from "@/lib/notifications/mail/config";
import { getNotificationPreferences } from "@/lib/queries/notification-preferences";

export const metadata: Metadata = { title: "Profile" };

export default async function ProfilePage() {
  // Read from the database for this request, so a rename or role change shows at once.
  const user = await requireUser();
  const preferences = await getNotificationPreferences(user.id);
  const mailOn = mailSettings().enabled;

  return (
    <div className="grid max-w-2xl gap-6">
      <PageHeader title="Profile" description="Change your name and password. Your email and role are managed by administrators." />

      <Card>
        <CardHeader>
          <CardTitle>Account</CardTitle>
        </CardHeader>
        <CardContent>
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
            <dt className="text-muted-foreground">Email</dt>
            <dd className="font-medium break-all">{user.email}</dd>
            <dt className="text-muted-foreground">Role</dt>
            <dd>
              <RoleBadge role={user.role} />
            </dd>
          </dl>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Name</CardTitle>
          <CardDescription>Shown in the top bar and to administrators.</CardDescription>
        </CardHeader>
        <CardContent>
          <ProfileNameForm name={user.name} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Email</CardTitle>
          <CardDescription>
            {mailOn
              ? "What Keydesk may email you about. Changes apply to the next message."
              : "Email is off on this Keydesk (an administrator sets SMTP_URL and KEYDESK_MAIL_FROM). Your choices apply once it is on."}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <NotificationPreferencesForm emailReminders={preferences.emailReminders} emailAlerts={preferences.emailAlerts} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Password</CardTitle>
          <CardDescription>Enter your current password to choose a new one. Changing it signs you out of Keydesk everywhere else.</CardDescription>
        </CardHeader>
        <CardContent>
          <ChangePasswordForm email={user.email} />
        </CardContent>
      </Card>
    </div>
  );
}
