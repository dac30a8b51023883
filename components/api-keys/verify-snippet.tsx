"use client";

import { ChevronRight } from "lucide-react";
import { useSyncExternalStore } from "react";

import { CopyButton } from "@/components/api-keys/copy-button";
import { CodeBlock } from "@/components/ui/code-block";

export type VerifySnippetProps = {
  /** The project's slug, sent as `project`. */
  projectSlug: string;
  /** The real secret, only inside the one-time reveal; elsewhere a placeholder is shown. */
  secret?: string;
  /** What the server knows its origin as, for the first render before the browser's is known. */
  serverOrigin?: string;
  /** Folded under a "How to verify" disclosure (the reveal dialog, where the secret comes first). */
  collapsed?: boolean;
};

const subscribe = () => () => undefined;

/** "How to verify": the curl command a developer's API runs for each request, with `project`. */
export function VerifySnippet({ projectSlug, secret, serverOrigin = "", collapsed = false }: VerifySnippetProps) {
  const origin = useSyncExternalStore(subscribe, () => window.location.origin, () => serverOrigin);
  const body = JSON.stringify({ key: secret ?? "<the key your API was given>", project: projectSlug });
  const command = `curl -s ${origin}/api/v1/keys/verify \\\n  -H 'content-type: application/json' \\\n  -d '${body}'`;
  const content = (
    <>
      <CodeBlock label="Verify command">
        <code>{command}</code>
      </CodeBlock>
      <p className="text-[13px] text-muted-foreground">
        Your API sends this for every request that presents the key, with{" "}
        <code className="font-mono">&quot;project&quot;: &quot;{projectSlug}&quot;</code> and optionally{" "}
        <code className="font-mono">method</code>, <code className="font-mono">path</code> and the client&apos;s{" "}
        <code className="font-mono">ip</code>. Keys of other projects answer <code className="font-mono">NOT_FOUND</code>.
      </p>
    </>
  );
  const copy = <CopyButton value={command} label="Copy verify command" secret={secret !== undefined} className="-my-1" />;

  if (collapsed) {
    return (
      <details className="group grid gap-1.5 rounded-md border border-border px-3 py-2">
        <summary className="flex cursor-pointer list-none items-center gap-1.5 text-sm font-medium [&::-webkit-details-marker]:hidden">
          <ChevronRight aria-hidden="true" className="size-4 transition-transform group-open:rotate-90" />
          How to verify this key
        </summary>
        <div className="mt-2 grid gap-1.5">
          <div className="flex justify-end">{copy}</div>
          {content}
        </div>
      </details>
    );
  }
  return (
    <div className="grid gap-1.5">
      <div className="flex items-center justify-between gap-2">
        <p className="text-sm font-medium">How to verify</p>
        {copy}
      </div>
      {content}
    </div>
  );
}
