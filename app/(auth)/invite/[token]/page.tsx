import type { Metadata } from "next";
import Link from "next/link";

import { InviteForm } from "@/components/auth/invite-form";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { INVITE_MESSAGES, lookupInvite } from "@/lib/services/invites";

// The token is in the URL: keep it out of Referer headers and search engines.
export const metadata: Metadata = { title: "Set your password", referrer: "no-referrer", robots: { index: false, follow: false } };

interface InvitePageProps {
  params: Promise<{ token: string }>;
}

const TITLES = { unknown: "Invite link not valid", used: "Invite link already used", expired: "Invite link expired" } as const;

export default async function InvitePage({ params }: InvitePageProps) {
  const { token } = await params;
  const invite = await lookupInvite(token);

  if (invite.status !== "valid") {
    return (
      <Card>
        <CardHeader>
          <CardTitle as="h1">{TITLES[invite.status]}</CardTitle>
          <CardDescription>{INVITE_MESSAGES[invite.status]}</CardDescription>
        </CardHeader>
        <CardContent>
          <Button asChild variant="outline" className="w-full">
            <Link href="/sign-in">Go to sign in</Link>
          </Button>
        </CardContent>
      </Card>
    );
  }

  return <InviteForm token={token} name={invite.name} email={invite.email} />;
}
