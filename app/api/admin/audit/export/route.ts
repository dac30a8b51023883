// GET /api/admin/audit/export — the audit log's filtered view as a streamed CSV download
import { can } from "@/lib/auth/permissions";
import { currentRequestContext, getCurrentUser } from "@/lib/auth/session";
import { auditCsvFilename, auditCsvStream, recordAuditExport } from "@/lib/services/audit-log";
import { auditFilterSchema } from "@/lib/validations/audit";

export const dynamic = "force-dynamic";

function refuse(status: 401 | 403, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

export async function GET(request: Request): Promise<Response> {
  const user = await getCurrentUser();
  if (!user) return refuse(401, "unauthorized", "Sign in to export the audit log.");
  if (!can(user, "audit.read")) return refuse(403, "forbidden", "Only administrators can export the audit log.");

  const params = Object.fromEntries(new URL(request.url).searchParams);
  const filters = auditFilterSchema.parse(params);
  await recordAuditExport(user, filters, await currentRequestContext());

  return new Response(auditCsvStream(filters), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${auditCsvFilename()}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
