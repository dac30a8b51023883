import { DatabaseZap } from "lucide-react";

/** Shown instead of a page when PostgreSQL cannot be reached; Keydesk reconnects on its own. */
export function DatabaseUnavailable() {
  return (
    <div className="flex min-h-[60dvh] items-center justify-center px-4">
      <div role="alert" className="grid max-w-md justify-items-center gap-3 text-center">
        <DatabaseZap className="size-10 text-muted-foreground" aria-hidden />
        <h1 className="text-xl font-semibold tracking-tight">Database unavailable</h1>
        <p className="text-sm text-balance text-muted-foreground">
          Keydesk cannot reach its database right now. Nothing has been lost: it reconnects on its own as soon as the database is
          back. Reload this page in a moment.
        </p>
      </div>
    </div>
  );
}
