import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { Fragment } from "react";
import { Badge } from "@/components/ui/badge";
import { CodeBlock } from "@/components/ui/code-block";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { openApiDocument } from "@/lib/api/openapi";
import { publicOriginFromHeaders } from "@/lib/api/public-origin";
import { requirePermission } from "@/lib/auth/session";

export const metadata: Metadata = { title: "API" };

const METHOD_VARIANT = { get: "info", post: "success", patch: "warning", delete: "destructive" } as const;
type Method = keyof typeof METHOD_VARIANT;

function Code({ label, children }: { label: string; children: string }) {
  return (
    <CodeBlock label={label}>
      <code>{children}</code>
    </CodeBlock>
  );
}

export default async function ApiDocsPage() {
  await requirePermission("keys.read");
  // The URL the document's `servers` names too: NEXTAUTH_URL, else the origin the browser used.
  const origin = publicOriginFromHeaders(await headers(), "http://localhost:3000");
  const doc = openApiDocument(origin);
  const endpoints = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter((entry): entry is [Method, { summary: string }] => entry[0] in METHOD_VARIANT && "summary" in entry[1])
      .map(([method, op]) => ({ path, method, summary: op.summary })),
  );

  return (
    <div className="grid grid-cols-1 gap-6">
      <PageHeader
        title="API"
        description="Verify keys from your applications, and manage keys with management keys."
        actions={
          <a className="text-sm font-medium text-primary underline-offset-4 hover:underline" href="/api/v1/openapi.json">
            OpenAPI 3.1 document
          </a>
        }
      />
      <Card>
        <CardHeader>
          <CardTitle>Verify a key</CardTitle>
          <CardDescription>
            Call this from your API for every request that presents a key, naming your project by its slug (Admin → Projects) or
            id. It needs no authentication and always answers 200 for a well-formed request; <code className="font-mono">code</code>{" "}
            says why a key is not valid.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid grid-cols-1 gap-3">
          <Code label="Verify a key: request and answer">{`curl -s ${origin}/api/v1/keys/verify \\
  -H 'content-type: application/json' \\
  -d '{"key": "kd_…", "project": "default", "method": "GET", "path": "/jobs/12/runs", "ip": "203.0.113.7"}'

{"valid": true, "code": "VALID", "key": {"id": "key_…", "name": "Stripe sync", "projectId": "…",
 "externalId": "customer_4711", "metadata": {"plan": "pro"}, "expiresAt": "…"}, "matchedConstraint": null}`}</Code>
          <ul className="grid list-disc gap-1.5 pl-5 text-sm text-muted-foreground">
            <li>
              <code className="font-mono">project</code> is required. Only keys of that project verify: a key of another project
              answers exactly like an unknown one, <code className="font-mono">{`{"valid": false, "code": "NOT_FOUND"}`}</code>, and
              so does every key of an archived project. Management keys verify only with{" "}
              <code className="font-mono">&quot;project&quot;: &quot;keydesk-api&quot;</code>. An unknown project is a 422{" "}
              <code className="font-mono">unknown_project</code>; a missing one a 422 <code className="font-mono">invalid_request</code>.
            </li>
            <li>
              Codes: <code className="font-mono">VALID</code>, <code className="font-mono">MALFORMED</code> (bad format or checksum,
              answered without a key lookup), <code className="font-mono">NOT_FOUND</code>, and for keys of your project in this order
              of precedence <code className="font-mono">REVOKED</code>, <code className="font-mono">EXPIRED</code>,{" "}
              <code className="font-mono">DISABLED</code> (switched off by an administrator, reversible),{" "}
              <code className="font-mono">FORBIDDEN</code> (the key&apos;s constraints do not allow this request).{" "}
              <code className="font-mono">UNAVAILABLE</code> with 503 when the database is down and the key is not cached.
            </li>
            <li>
              <code className="font-mono">key.externalId</code> (the owner, or null) and <code className="font-mono">key.metadata</code>{" "}
              (a JSON object, {"{}"} when unset) tell your API whom it serves.
            </li>
            <li>
              Send the client&apos;s address as <code className="font-mono">ip</code> for keys with IP rules: they must match one of
              them AND, if the key also has path or method rules, one of those.
            </li>
          </ul>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Manage keys with keys</CardTitle>
          <CardDescription>
            Create a key in the “Keydesk API” project on the <Link className="text-primary underline underline-offset-4" href="/settings/api-keys?project=keydesk-api">API keys page</Link>{" "}
            and send it as a bearer token. It acts with its creator&apos;s current role — writes need an administrator — and its own
            constraints apply to each request, with paths relative to <code className="font-mono">/api/v1</code>. For example one
            constraint <code className="font-mono">prefix projects/default/keys</code> with method GET makes a read-only key for one
            project. A key with constraints can only create keys with exactly its own constraints.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid grid-cols-1 gap-3">
          <Code label="Create a key: request">{`curl -s ${origin}/api/v1/projects/default/keys \\
  -H 'authorization: Bearer kdm_…' \\
  -H 'content-type: application/json' \\
  -d '{"name": "Partner sync", "expiry": "90d", "constraints": [{"type": "prefix", "value": "orders", "methods": ["GET"]}]}'`}</Code>
          <ul className="divide-y divide-border rounded-md border border-border">
            {endpoints.map(({ path, method, summary }) => (
              <li key={`${method} ${path}`} className="flex flex-col gap-1 px-4 py-3 sm:flex-row sm:items-center sm:gap-4">
                <span className="flex min-w-0 items-center gap-2">
                  <Badge variant={METHOD_VARIANT[method]} className="w-16 shrink-0 justify-center font-mono uppercase">
                    {method}
                  </Badge>
                  <code className="min-w-0 font-mono text-sm break-words">
                    {path.split("/").map((segment, index) => (
                      // Allow line breaks before each "/" so long paths wrap between segments on phones.
                      <Fragment key={index}>
                        {index > 1 ? <wbr /> : null}
                        {index > 0 ? "/" : null}
                        {segment}
                      </Fragment>
                    ))}
                  </code>
                </span>
                <span className="text-sm text-muted-foreground sm:ml-auto sm:text-right">{summary}</span>
              </li>
            ))}
          </ul>
          <p className="text-sm text-muted-foreground">
            Errors share one shape: <code className="font-mono">{`{"error": {"code", "message", "issues"?}}`}</code> — 401 for a
            missing, invalid, revoked, expired or disabled key, 403 for a role or constraint, 404, 409 for the active-key limit or a name
            clash, 422 with the issues per field.
          </p>
        </CardContent>
      </Card>
    </div>
  );
}
