// GET /api/v1/scanner-rules?format=gitleaks|trufflehog — secret-scanner rules for this
// installation's key prefixes (no authentication needed: prefixes are printed on every key)
import { NextResponse } from "next/server";
import { ApiError, toErrorResponse } from "@/lib/api/errors";
import { publicBaseUrl } from "@/lib/notifications/mail/config";
import { SCANNER_FORMATS, gitleaksConfig, trufflehogConfig, type ScannerFormat } from "@/lib/notifications/scanner-rules";
import { listKeyPrefixes } from "@/lib/queries/projects";

const CONTENT_TYPES: Record<ScannerFormat, string> = {
  gitleaks: "application/toml; charset=utf-8",
  trufflehog: "application/yaml; charset=utf-8",
};

export async function GET(request: Request) {
  try {
    const format = new URL(request.url).searchParams.get("format");
    if (!SCANNER_FORMATS.includes(format as ScannerFormat)) {
      throw new ApiError(422, "validation_failed", `Choose a format: ?format=${SCANNER_FORMATS.join(" or ?format=")}.`, {
        format: [`Must be one of ${SCANNER_FORMATS.join(", ")}`],
      });
    }
    const prefixes = await listKeyPrefixes();
    const origin = publicBaseUrl(new URL(request.url).origin);
    const body = format === "gitleaks" ? gitleaksConfig(prefixes, origin) : trufflehogConfig(prefixes, origin);
    return new NextResponse(body, {
      headers: {
        "content-type": CONTENT_TYPES[format as ScannerFormat],
        "content-disposition": `inline; filename="keydesk-${format}.${format === "gitleaks" ? "toml" : "yaml"}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return toErrorResponse(error);
  }
}
