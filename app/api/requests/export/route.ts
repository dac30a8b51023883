// GET /api/requests/export — the Requests page's filtered view as a streamed CSV download
import { can } from "@/lib/auth/permissions";
import { currentRequestContext, getCurrentUser } from "@/lib/auth/session";
import { recordRequestExport, requestCsvFilename, requestCsvStream } from "@/lib/services/request-export";
import { requestFilterSchema } from "@/lib/validations/requests";

export const dynamic = "force-dynamic";

function refuse(status: 401 | 403, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

export async function GET(request: Request): Promise<Response> {
  // The export writes an audit event: another site must not be able to trigger it. Browsers
  // send Sec-Fetch-Site on every request; a link on our own pages is same-origin.
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return refuse(403, "forbidden", "Start the export from Keydesk's Requests page.");
  const user = await getCurrentUser();
  if (!user) return refuse(401, "unauthorized", "Sign in to export requests.");
  if (!can(user, "requests.read")) return refuse(403, "forbidden", "You may not read the request trail.");

  const filters = requestFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  await recordRequestExport(user, filters, await currentRequestContext());

  return new Response(requestCsvStream(user, filters), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${requestCsvFilename()}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
