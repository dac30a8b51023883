import { Webhook } from "lucide-react";
import type { Metadata } from "next";

import { EndpointsTable } from "@/components/admin/webhooks/endpoints-table";
import { MailStatus } from "@/components/admin/webhooks/mail-status";
import { AddWebhookDialog } from "@/components/admin/webhooks/webhook-dialogs";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { mailSettings } from "@/lib/notifications/mail/config";
import { listProjectOptions } from "@/lib/queries/projects";
import { listWebhookEndpoints } from "@/lib/queries/webhooks";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  await requirePermission("webhooks.manage");
  const [endpoints, projects] = await Promise.all([listWebhookEndpoints(), listProjectOptions()]);
  const choices = projects.filter((project) => !project.archived).map(({ id, name }) => ({ id, name }));
  const mail = mailSettings();

  return (
    <div className="grid gap-6">
      <PageHeader
        title="Webhooks"
        description="Keydesk tells your systems when keys are created, revoked, rolled, expire, leak or a canary is tried: signed JSON POSTs following the Standard Webhooks specification."
        actions={<AddWebhookDialog projects={choices} />}
      />
      <MailStatus enabled={mail.enabled} server={mail.server} from={mail.from} />
      {endpoints.length === 0 ? (
        <EmptyState
          icon={Webhook}
          title="No webhook endpoints yet"
          description="Add an endpoint to have key events sent to your systems as they happen."
          action={<AddWebhookDialog projects={choices} />}
        />
      ) : (
        <EndpointsTable endpoints={endpoints} />
      )}
    </div>
  );
}
