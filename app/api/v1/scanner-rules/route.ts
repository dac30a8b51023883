// GET /api/v1/scanner-rules?format=gitleaks|trufflehog — secret-scanner rules for this
// installation's key prefixes (no authentication needed: prefixes are printed on every key)
import { NextResponse } from "next/server";
import { publicRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { publicBaseUrl } from "@/lib/notifications/mail/config";
import { gitleaksConfig, trufflehogConfig, type ScannerFormat } from "@/lib/notifications/scanner-rules";
import { listKeyPrefixes } from "@/lib/queries/projects";

const CONTENT_TYPES: Record<ScannerFormat, string> = {
  gitleaks: "application/toml; charset=utf-8",
  trufflehog: "application/yaml; charset=utf-8",
};

export const GET = publicRoute(operations.scannerRules, async ({ request, query }) => {
  const { format } = query;
  const prefixes = await listKeyPrefixes();
  const origin = publicBaseUrl(new URL(request.url).origin);
  const body = format === "gitleaks" ? gitleaksConfig(prefixes, origin) : trufflehogConfig(prefixes, origin);
  return new NextResponse(body, {
    headers: {
      "content-type": CONTENT_TYPES[format],
      "content-disposition": `inline; filename="keydesk-${format}.${format === "gitleaks" ? "toml" : "yaml"}"`,
      "cache-control": "no-store",
    },
  });
});
