import "server-only";
// One place that turns what a write can throw into a FormState the form shows: field errors
// beside fields, permission and domain errors as a message the user cannot miss. Unexpected
// errors are logged by name and message only, never with the submitted values.
import type { FormState } from "@/lib/actions/form-state";
import { PermissionError } from "@/lib/auth/permissions";
import { ReauthRequiredError } from "@/lib/auth/recent-auth";
import { NotSignedInError } from "@/lib/auth/session";
import { ServiceError } from "@/lib/services/errors";
import { isDatabaseDown } from "@/lib/db-errors";

export async function runAction<T extends FormState>(work: () => Promise<T>, values?: Record<string, string>): Promise<T | FormState> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ServiceError) return { error: error.message, fieldErrors: error.fieldErrors, values };
    if (error instanceof ReauthRequiredError) return { error: error.message, reauthRequired: true, values };
    if (error instanceof PermissionError || error instanceof NotSignedInError) return { error: error.message, values };
    if (isNextControlFlow(error)) throw error;
    console.error(`[keydesk] action failed: ${error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : "unknown error"}`);
    return {
      error: isDatabaseDown(error)
        ? "The database is unavailable right now. Nothing was changed; try again in a moment."
        : "Something went wrong. Nothing was changed; try again.",
      values,
    };
  }
}

/** redirect() and notFound() work by throwing; they must reach Next untouched. */
function isNextControlFlow(error: unknown): boolean {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return typeof digest === "string" && (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_HTTP_ERROR_FALLBACK"));
}
