// POST /api/admin/audit/export — the audit log's filtered view as a streamed CSV download
//
// A POST from the audit page's own form, never a GET: exporting writes an audit event, and a
// link or image on another site must not be able to make an administrator's browser do that.
// Cross-site requests are refused before anything is read or written.
import { can } from "@/lib/auth/permissions";
import { isSameOriginRequest } from "@/lib/auth/same-origin";
import { currentRequestContext, getCurrentUser } from "@/lib/auth/session";
import { auditCsvFilename, auditCsvStream, recordAuditExport } from "@/lib/services/audit-export";
import { auditFilterSchema } from "@/lib/validations/audit";

export const dynamic = "force-dynamic";

const MAX_FORM_BYTES = 4 * 1024;

function refuse(status: 401 | 403 | 405 | 413, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store", ...headers } });
}

/** The filters from the form (or none): strings only, at most a few KiB. */
async function filtersFrom(request: Request): Promise<Record<string, string> | null> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_FORM_BYTES) return null;
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) return {};
  const form = await request.formData().catch(() => null);
  if (!form) return {};
  return Object.fromEntries([...form.entries()].filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

export async function POST(request: Request): Promise<Response> {
  if (!isSameOriginRequest(request.headers)) return refuse(403, "cross_site", "The audit log can only be exported from Keydesk's own pages.");
  const user = await getCurrentUser();
  if (!user) return refuse(401, "unauthorized", "Sign in to export the audit log.");
  if (!can(user, "audit.read")) return refuse(403, "forbidden", "Only administrators can export the audit log.");

  const raw = await filtersFrom(request);
  if (raw === null) return refuse(413, "payload_too_large", `Export requests are limited to ${MAX_FORM_BYTES} bytes.`);
  const filters = auditFilterSchema.parse(raw);
  // The export's own event is the newest one, so it is the chain head the file carries.
  const head = await recordAuditExport(user, filters, await currentRequestContext());

  return new Response(auditCsvStream(filters, { head }), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${auditCsvFilename()}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "keydesk-audit-head-id": head.id,
      "keydesk-audit-head-hash": head.hash,
    },
  });
}

export function GET(): Response {
  return refuse(405, "method_not_allowed", "Export the audit log with POST, from Admin → Audit log.", { allow: "POST" });
}
