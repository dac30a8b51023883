import type { Metadata } from "next";

import { ApiKeyList } from "@/components/api-keys/api-key-list";
import { CreateKeyButton, CreateKeyDialog, CreateKeyProvider } from "@/components/api-keys/create-key-dialog";
import { createKeyConfig } from "@/components/api-keys/create-key-config";
import { FindKeyDialog } from "@/components/api-keys/find-key-dialog";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { listApiKeys, listProjectsForKeys, type ProjectOption } from "@/lib/queries/api-keys";
import { keyAnomaliesFor } from "@/lib/queries/key-anomalies";
import { apiKeyListParamsSchema } from "@/lib/validations/api-key-list";
import { firstValues } from "@/lib/validations/list-params";

export const metadata: Metadata = { title: "API keys" };

interface ApiKeysPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

function projectLabel(project: ProjectOption): string {
  return project.isSystem ? `${project.name} (management keys)` : project.name;
}

export default async function ApiKeysPage({ searchParams }: ApiKeysPageProps) {
  // Independent reads in parallel; nothing is rendered unless the guard lets the caller in.
  const [user, params, projects] = await Promise.all([
    requirePermission("keys.read"),
    searchParams.then((raw) => apiKeyListParamsSchema.parse(firstValues(raw))),
    listProjectsForKeys(),
  ]);
  const project =
    projects.find((p) => p.slug === params.project) ??
    projects.find((p) => p.slug === "default" && !p.isSystem) ??
    projects[0];

  if (!project) {
    return (
      <div className="grid grid-cols-1 gap-6">
        <PageHeader title="API keys" description="There is no project to hold keys yet. An administrator can create one." />
      </div>
    );
  }

  const now = new Date();
  // Counting 100,000 keys costs more than the rest of the page: count only past this page.
  const { rows: keys, total, totalIsLowerBound, pageSize } = await listApiKeys(project.id, params, { now, boundedTotal: true });
  // Two small queries for the whole page (recent new addresses, the last two hours' counts).
  const anomalies = await keyAnomaliesFor(keys, { canSeeIps: can(user, "requests.ips"), now });
  const rows = keys.map((key) => ({ ...key, anomalies: anomalies.get(key.id) ?? [] }));
  const canCreate = can(user, "keys.create");

  return (
    <CreateKeyProvider>
      <div className="grid grid-cols-1 gap-6">
        <PageHeader
          title="API keys"
          description={
            project.isSystem
              ? `Management keys for ${project.name}: they call Keydesk's own API to manage keys. Treat them like admin passwords.`
              : `Keys that apps and partners use to call ${project.name}. Each key is shown once, when it is created.`
          }
          actions={
            <>
              <FindKeyDialog />
              {canCreate ? <CreateKeyDialog config={createKeyConfig(project, now, projects)} /> : null}
            </>
          }
        />
        <ApiKeyList
          projects={projects.map((p) => ({ slug: p.slug, label: projectLabel(p) }))}
          project={{ slug: project.slug, name: project.name }}
          rows={rows}
          total={total}
          totalIsLowerBound={totalIsLowerBound}
          pageSize={pageSize}
          params={params}
          canRevoke={can(user, "keys.revoke")}
          canUpdate={can(user, "keys.update")}
          serverNow={now.toISOString()}
          createAction={canCreate ? <CreateKeyButton /> : null}
        />
      </div>
    </CreateKeyProvider>
  );
}
