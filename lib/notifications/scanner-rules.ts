// Detection rules for secret scanners, so teams can find this installation's keys in their
// repositories and CI logs: one rule per project prefix, matching the exact secret format
// (`<prefix>_` + 49 base62 characters, lib/keys/secret.ts). Prefixes are not secret (every key
// shows its own), and project names are left out, so the rules reveal nothing else.
import { SECRET_BODY_LENGTH } from "@/lib/keys/secret";

export const SCANNER_FORMATS = ["gitleaks", "trufflehog"] as const;
export type ScannerFormat = (typeof SCANNER_FORMATS)[number];

/** The regex for one prefix; RE2-compatible (gitleaks and trufflehog are written in Go). */
function secretPattern(prefix: string): string {
  return `\\b${prefix}_[0-9A-Za-z]{${SECRET_BODY_LENGTH}}\\b`;
}

export function gitleaksConfig(prefixes: readonly string[], origin: string): string {
  const lines = [
    "# gitleaks rules for Keydesk API keys",
    `# from ${origin}/api/v1/scanner-rules?format=gitleaks`,
    "# Usage: gitleaks git --config keydesk-gitleaks.toml .   (or: gitleaks dir --config … <path>)",
    "",
    'title = "Keydesk API keys"',
    "",
    "# Keep gitleaks' own rules as well.",
    "[extend]",
    "useDefault = true",
  ];
  for (const prefix of prefixes) {
    lines.push(
      "",
      "[[rules]]",
      `id = "keydesk-${prefix}"`,
      `description = "Keydesk API key (prefix ${prefix}_)"`,
      `regex = '''${secretPattern(prefix)}'''`,
      `keywords = ["${prefix}_"]`,
      `tags = ["keydesk", "api-key"]`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export function trufflehogConfig(prefixes: readonly string[], origin: string): string {
  const lines = [
    "# trufflehog custom detectors for Keydesk API keys",
    `# from ${origin}/api/v1/scanner-rules?format=trufflehog`,
    "# Usage: trufflehog filesystem --config keydesk-trufflehog.yaml --no-verification <path>",
    "detectors:",
  ];
  for (const prefix of prefixes) {
    lines.push(
      `  - name: keydesk-${prefix}`,
      "    keywords:",
      `      - ${prefix}_`,
      "    regex:",
      `      key: '${secretPattern(prefix)}'`,
    );
  }
  return `${lines.join("\n")}\n`;
}
