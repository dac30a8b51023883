import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";

import { ChangeExpiryDialog } from "@/components/api-keys/change-expiry-dialog";
import { CopyButton } from "@/components/api-keys/copy-button";
import { createKeyConfig } from "@/components/api-keys/create-key-config";
import { KeyActivity } from "@/components/api-keys/key-activity";
import { KeyConstraintsList } from "@/components/api-keys/key-constraints-list";
import { KeyEditableFields } from "@/components/api-keys/key-editable-fields";
import { KeyEnabledButton } from "@/components/api-keys/key-enabled-button";
import { KeyLimitsCard } from "@/components/api-keys/key-limits-card";
import { KeyMarkers } from "@/components/api-keys/key-markers";
import { KeyNotices } from "@/components/api-keys/key-notices";
import { KeyStatusBadge } from "@/components/api-keys/key-status-badge";
import { RevokeKeyButton } from "@/components/api-keys/revoke-key-button";
import { RollKeyDialog } from "@/components/api-keys/roll-key-dialog";
import { UsageChart } from "@/components/api-keys/usage-chart";
import { AnomalyBadges } from "@/components/requests/anomaly-badges";
import { KeyRequestTrail } from "@/components/requests/key-request-trail";
import { VerifySnippet } from "@/components/api-keys/verify-snippet";
import { DateText, RelativeTimeText } from "@/components/ui/time";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { publicOriginFromHeaders } from "@/lib/api/public-origin";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { getApiKeyDetail, getKeyUsage, listProjectsForKeys, type ApiKeyDetail } from "@/lib/queries/api-keys";
import { keyAnomaliesFor } from "@/lib/queries/key-anomalies";
import { keyClientIps, keyRequestChart, latestKeyRequests, topKeyPaths } from "@/lib/queries/key-requests";
import { readKeyLimits } from "@/lib/queries/key-limits";
import { KEY_DESCRIPTION_MAX_LENGTH, KEY_NAME_MAX_LENGTH } from "@/lib/validations/api-key";

export const metadata: Metadata = { title: "API key" };

interface ApiKeyPageProps {
  params: Promise<{ keyId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

const ROW = "grid gap-1 py-3 sm:grid-cols-[10rem_minmax(0,1fr)] sm:gap-4";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className={ROW}>
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="min-w-0 text-sm">{children}</dd>
    </div>
  );
}

type Person = { name: string; email: string } | null;
type KeyRef = { name: string; publicId: string } | null;

/** "by Ada Admin" or "by API key “deploy bot”" (linked), or nothing when the actor is gone. */
function Actor({ user, apiKey }: { user: Person; apiKey: KeyRef }) {
  if (user) {
    return (
      <>
        by <span title={user.email}>{user.name}</span>
      </>
    );
  }
  if (apiKey) {
    return (
      <>
        by API key{" "}
        <Link href={`/settings/api-keys/${apiKey.publicId}`} className="font-medium underline-offset-4 hover:underline">
          “{apiKey.name}”
        </Link>
      </>
    );
  }
  return null;
}

function KeyLink({ apiKey }: { apiKey: { publicId: string; name: string } }) {
  return (
    <Link href={`/settings/api-keys/${apiKey.publicId}`} className="font-medium text-primary underline-offset-4 hover:underline">
      {apiKey.name} <code className="font-mono text-xs">({apiKey.publicId})</code>
    </Link>
  );
}

function TimeWithRelative({ value, serverNow }: { value: Date; serverNow: string }) {
  return (
    <span className="flex flex-wrap gap-x-2">
      <DateText value={value} withTime />
      <span className="text-muted-foreground">
        (<RelativeTimeText value={value} serverNow={serverNow} />)
      </span>
    </span>
  );
}

export default async function ApiKeyPage({ params, searchParams }: ApiKeyPageProps) {
  const user = await requirePermission("keys.read");
  const { keyId } = await params;
  // The expiry reminder's "Roll the key" link.
  const rollRequested = (await searchParams).roll === "1";
  // Sids are short; anything longer cannot exist, so skip the query.
  const key: ApiKeyDetail | null = keyId.length <= 64 ? await getApiKeyDetail(keyId, user) : null;
  if (!key) notFound();

  const now = new Date();
  const serverNow = now.toISOString();
  const canSeeIps = can(user, "requests.ips");
  const trailKey = { id: key.id, projectId: key.project.id };
  const [usage, limits, anomalies, chart, latest, topPaths, ips] = await Promise.all([
    getKeyUsage(key.id, now),
    readKeyLimits(key.id, now.getTime()),
    keyAnomaliesFor([key], { canSeeIps, now }),
    keyRequestChart(key.id, now),
    latestKeyRequests(trailKey, { canSeeIps }),
    topKeyPaths(trailKey),
    canSeeIps ? keyClientIps(key.id) : null,
  ]);
  const revoked = key.status === "revoked";
  const canEdit = can(user, "keys.update") && !revoked;
  const mayRoll = can(user, "keys.roll");
  const rollable = key.status === "active" && !key.replacedBy && !key.canary;
  // The expiry can move while the key still works (or is only disabled), within the project's
  // policy as for a new key; changeApiKeyExpiry checks the same again.
  const expiryProjects =
    canEdit && (key.status === "active" || key.status === "disabled") && !key.replacedBy && !key.canary ? await listProjectsForKeys() : [];
  const expiryProject = expiryProjects.find((project) => project.id === key.project.id);
  const expiryConfig = expiryProject ? createKeyConfig(expiryProject, now, expiryProjects) : null;
  const mayRevoke = can(user, "keys.revoke");
  const mayToggle = can(user, "keys.update") && !revoked;
  // For the "how to verify" command's first render; the browser then shows its own origin.
  const serverOrigin = publicOriginFromHeaders(await headers(), "");

  return (
    <div className="grid grid-cols-1 gap-6">
      <div className="grid gap-3">
        <Link
          href={`/settings/api-keys?project=${encodeURIComponent(key.project.slug)}`}
          className="inline-flex w-fit items-center gap-1.5 text-sm text-muted-foreground underline-offset-4 hover:text-foreground hover:underline"
        >
          <ArrowLeft className="size-4" aria-hidden="true" />
          API keys
        </Link>
        <PageHeader
          title={<span className="break-words">{key.name}</span>}
          description={
            <span className="flex flex-wrap items-center gap-2">
              <KeyStatusBadge status={key.status} />
              {key.constraints.length > 0 ? <Badge variant="info">Restricted</Badge> : null}
              <AnomalyBadges anomalies={anomalies.get(key.id) ?? []} />
              <KeyMarkers canary={key.canary} leakedAt={key.leakedAt} />
              <span>
                API key in {key.project.name}
                {key.project.isSystem ? " (management key)" : ""}
              </span>
            </span>
          }
          actions={
            // Keyed on permissions only, so the roll dialog stays mounted (with the new key on
            // screen) when the roll's own revalidation makes this key no longer rollable.
            mayRoll || mayRevoke || mayToggle ? (
              <>
                {mayToggle ? <KeyEnabledButton keyId={key.publicId} name={key.name} enabled={key.enabled} variant="button" /> : null}
                {mayRoll ? <RollKeyDialog keyId={key.publicId} name={key.name} available={rollable} initiallyOpen={rollRequested} /> : null}
                {mayRevoke && !revoked ? (
                  <RevokeKeyButton keyId={key.publicId} name={key.name} variant="button" createdActiveCount={key.createdActiveCount} />
                ) : null}
              </>
            ) : null
          }
        />
      </div>

      <KeyNotices canary={key.canary} leakedAt={key.leakedAt} revoked={revoked} leakReports={key.leakReports} />

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)] lg:items-start">
        <Card>
          <CardHeader>
            <CardTitle>Details</CardTitle>
          </CardHeader>
          <CardContent className="pt-2">
            <dl className="divide-y divide-border">
              <Row label="Sid">
                <span className="flex items-center gap-1">
                  <code className="font-mono text-[13px]">{key.publicId}</code>
                  <CopyButton value={key.publicId} label="Copy Sid" className="-my-1" />
                </span>
              </Row>
              <KeyEditableFields
                keyId={key.publicId}
                name={key.name}
                description={key.description}
                externalId={key.externalId}
                metadata={key.metadata as Record<string, unknown>}
                canEdit={canEdit}
                limits={{ name: KEY_NAME_MAX_LENGTH, description: KEY_DESCRIPTION_MAX_LENGTH }}
                rowClassName={ROW}
              />
              <Row label="Key">
                <code className="font-mono text-[13px]">{key.maskedKey}</code>
                <p className="mt-1 text-[13px] text-muted-foreground">
                  Only the start and end are kept for display. The full key was shown once, when it was created.
                </p>
              </Row>
              <Row label="Project">
                <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
                  <Link
                    href={`/settings/api-keys?project=${encodeURIComponent(key.project.slug)}`}
                    className="underline-offset-4 hover:underline"
                  >
                    {key.project.name}
                  </Link>
                  <span className="flex items-center gap-1 text-muted-foreground">
                    slug <code className="font-mono text-[13px] text-foreground">{key.project.slug}</code>
                    <CopyButton value={key.project.slug} label="Copy project slug" className="-my-1" />
                  </span>
                </span>
                <p className="mt-1 text-[13px] text-muted-foreground">
                  Your API sends this slug as <code className="font-mono">project</code> when it verifies the key.
                </p>
              </Row>
              {key.project.isSystem ? (
                <Row label="Project scope">
                  {key.projectScope === null ? (
                    <span>All projects</span>
                  ) : (
                    <ul className="flex flex-wrap gap-1.5" aria-label="Projects this key may act on">
                      {key.projectScope.map((project) => (
                        <li key={project.id}>
                          <Badge variant="neutral" title={project.slug}>
                            {project.name}
                          </Badge>
                        </li>
                      ))}
                    </ul>
                  )}
                  <p className="mt-1 text-[13px] text-muted-foreground">
                    {key.projectScope === null
                      ? "This management key can act on every project, including new ones."
                      : "This management key sees and changes only these projects; to the REST API, others do not exist."}
                  </p>
                </Row>
              ) : null}
              <Row label="Created">
                <span className="flex flex-wrap gap-x-1.5">
                  <DateText value={key.createdAt} withTime />
                  <span className="text-muted-foreground">
                    <Actor user={key.createdBy} apiKey={key.createdByKey} />
                  </span>
                </span>
              </Row>
              <Row label="Expiry">
                {/* A revoked key never works again: its old expiry date would only mislead. */}
                {revoked ? (
                  <span className="text-muted-foreground">Does not apply: the key is revoked</span>
                ) : (
                  <span className="flex flex-wrap items-center gap-x-3 gap-y-2">
                    {key.expiresAt ? <TimeWithRelative value={key.expiresAt} serverNow={serverNow} /> : <span>Never</span>}
                    {expiryConfig ? <ChangeExpiryDialog keyId={key.publicId} name={key.name} config={expiryConfig} /> : null}
                  </span>
                )}
              </Row>
              <Row label="Last used">
                {key.lastUsedAt ? (
                  <TimeWithRelative value={key.lastUsedAt} serverNow={serverNow} />
                ) : (
                  <span className="text-muted-foreground">Never</span>
                )}
              </Row>
              <Row label="Status">
                <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
                  <KeyStatusBadge status={key.status} />
                  {!key.enabled && !key.revokedAt ? (
                    <span className="text-muted-foreground">Disabled: verification answers DISABLED until the key is enabled again.</span>
                  ) : null}
                  {key.revokedAt ? (
                    <span className="text-muted-foreground">
                      Revoked on <DateText value={key.revokedAt} withTime />{" "}
                      <Actor user={key.revokedBy} apiKey={key.revokedByKey} />
                    </span>
                  ) : null}
                </span>
              </Row>
              {key.replacedBy ? (
                <Row label="Replaced by">
                  <KeyLink apiKey={key.replacedBy} />
                  {key.status === "active" && key.expiresAt ? (
                    <p className="mt-1 text-[13px] text-muted-foreground">
                      This key was rolled; it keeps working until its expiry above, then only the replacement does.
                    </p>
                  ) : null}
                </Row>
              ) : null}
              {key.replaces ? (
                <Row label="Replaces">
                  <KeyLink apiKey={key.replaces} />
                </Row>
              ) : null}
            </dl>
          </CardContent>
        </Card>

        <div className="grid grid-cols-1 gap-6">
          <Card>
            <CardHeader>
              <CardTitle>Constraints</CardTitle>
              <CardDescription>Which paths and methods this key may call, and from which addresses.</CardDescription>
            </CardHeader>
            <CardContent>
              <KeyConstraintsList constraints={key.constraints} showAdvice={key.status === "active"} />
            </CardContent>
          </Card>

          <KeyLimitsCard keyId={key.publicId} name={key.name} initial={limits ?? { version: 0, ratelimits: [], credits: null }} canEdit={canEdit} serverNow={serverNow} />
        </div>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Verify from your API</CardTitle>
          <CardDescription>
            What your API calls for each request that presents this key. Only keys of {key.project.name} verify with this project.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <VerifySnippet projectSlug={key.project.slug} serverOrigin={serverOrigin} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Usage</CardTitle>
          <CardDescription>Verifications of this key per day (UTC).</CardDescription>
        </CardHeader>
        <CardContent>
          <UsageChart days={usage} />
        </CardContent>
      </Card>

      <KeyRequestTrail keyPublicId={key.publicId} chart={chart} latest={latest} topPaths={topPaths} ips={ips} />

      <Card>
        <CardHeader>
          <CardTitle>Recent activity</CardTitle>
          <CardDescription>
            The latest changes to this key, newest first.
            {can(user, "audit.read") ? (
              <>
                {" "}
                <Link className="font-medium text-primary underline-offset-4 hover:underline" href={`/admin/audit?key=${key.publicId}`}>
                  All events in the audit log
                </Link>
              </>
            ) : null}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <KeyActivity
            events={key.events.map((event) => ({ ...event, createdAt: event.createdAt.toISOString() }))}
          />
        </CardContent>
      </Card>
    </div>
  );
}
