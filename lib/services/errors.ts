// Domain errors with a stable code. Actions turn them into form errors; the REST API maps the
// code to an HTTP status (lib/api/errors.ts). Messages are written for the person who sees them.
import type { z } from "zod";

export type ServiceErrorCode = "not_found" | "conflict" | "limit" | "forbidden" | "invalid";

/**
 * Why a `forbidden` was refused, for the `api.denied` audit event: the caller's own path or method
 * constraints, or a rule of Keydesk's (the Keydesk API project, lifetimes, revoking other keys).
 */
export type DenialReason = "constraints" | "policy";

export class ServiceError extends Error {
  constructor(
    public readonly code: ServiceErrorCode,
    message: string,
    public readonly fieldErrors?: Record<string, string[] | undefined>,
    public readonly denial: DenialReason = "policy",
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

export function invalid(error: z.ZodError, message = "Some fields need attention."): ServiceError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    (fieldErrors[field] ??= []).push(issue.message);
  }
  return new ServiceError("invalid", message, fieldErrors);
}

export function fieldError(field: string, message: string, code: ServiceErrorCode = "invalid"): ServiceError {
  return new ServiceError(code, message, { [field]: [message] });
}
