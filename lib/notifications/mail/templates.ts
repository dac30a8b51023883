// The mail Keydesk sends, each with a plain-text part and an HTML part built from the same
// parts. Everything that comes from users or reporters (key names, project names, URLs found in
// leak reports) is escaped in HTML and never made a link: a leak report's URL is attacker text.
import { formatDateTime } from "@/lib/dates";

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

export interface MailKey {
  publicId: string;
  name: string;
  maskedKey: string;
  projectName: string;
  expiresAt: Date | null;
  lastUsedAt?: Date | null;
  createdAt?: Date;
}

type Part = { kind: "p"; text: string } | { kind: "button"; label: string; href: string } | { kind: "list"; items: string[] } | { kind: "quote"; text: string };

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Subjects must be one line: a key name with a newline must not add headers or lines. */
const oneLine = (value: string) => value.replace(/[\r\n\u2028\u2029]+/g, " ").slice(0, 200);

function render(subject: string, greeting: string, parts: Part[], footer: string): MailContent {
  const text = [
    greeting,
    "",
    ...parts.flatMap((part) => {
      if (part.kind === "p") return [part.text, ""];
      if (part.kind === "quote") return [`  ${part.text}`, ""];
      if (part.kind === "button") return [`${part.label}: ${part.href}`, ""];
      return [...part.items.map((item) => `- ${item}`), ""];
    }),
    "--",
    footer,
  ].join("\n");
  const body = parts
    .map((part) => {
      if (part.kind === "p") return `<p style="margin:0 0 16px">${escapeHtml(part.text)}</p>`;
      if (part.kind === "quote") {
        return `<p style="margin:0 0 16px;padding:8px 12px;background:#f4f4f5;border-radius:6px;font-family:ui-monospace,monospace;word-break:break-all">${escapeHtml(part.text)}</p>`;
      }
      if (part.kind === "button") {
        return `<p style="margin:0 0 16px"><a href="${escapeHtml(part.href)}" style="display:inline-block;padding:8px 14px;background:#18181b;color:#ffffff;border-radius:6px;text-decoration:none">${escapeHtml(part.label)}</a></p>`;
      }
      return `<ul style="margin:0 0 16px;padding-left:20px">${part.items.map((item) => `<li>${escapeHtml(item)}</li>`).join("")}</ul>`;
    })
    .join("\n");
  const html = `<!doctype html><html><body style="margin:0;padding:24px;background:#ffffff;color:#18181b;font:14px/1.5 system-ui,sans-serif">
<div style="max-width:560px">
<p style="margin:0 0 16px">${escapeHtml(greeting)}</p>
${body}
<p style="margin:24px 0 0;color:#71717a;font-size:12px">${escapeHtml(footer)}</p>
</div></body></html>`;
  return { subject: oneLine(subject), text, html };
}

const describeKey = (key: MailKey) => `"${key.name}" (${key.maskedKey}, ${key.publicId}) in ${key.projectName}`;
const keyLink = (base: string, key: { publicId: string }) => `${base}/settings/api-keys/${key.publicId}`;
const REMINDER_FOOTER = "You receive this because you created the key or administer Keydesk. Turn reminders off on your Profile page.";
const ALERT_FOOTER = "You receive this because you created the key or administer Keydesk. Security alerts can be turned off on your Profile page.";

export function expiryReminder(input: { name: string; key: MailKey & { expiresAt: Date }; threshold: "7d" | "1d"; baseUrl: string }): MailContent {
  const when = input.threshold === "7d" ? "in 7 days" : "tomorrow";
  return render(
    `Key "${input.key.name}" expires ${when}`,
    `Hello ${input.name},`,
    [
      { kind: "p", text: `The API key ${describeKey(input.key)} expires ${when}, on ${formatDateTime(input.key.expiresAt, "UTC")}.` },
      { kind: "p", text: "Roll it before then: Keydesk creates a replacement and keeps the old key working for a grace period while you deploy the new one." },
      { kind: "button", label: "Roll the key", href: `${keyLink(input.baseUrl, input.key)}?roll=1` },
    ],
    REMINDER_FOOTER,
  );
}

const DIGEST_MAX_KEYS = 50;

export function staleDigest(input: { name: string; keys: MailKey[]; total: number; baseUrl: string; unusedDays: number }): MailContent {
  const lines = input.keys.slice(0, DIGEST_MAX_KEYS).map((key) => {
    const used = key.lastUsedAt ? `last used ${formatDateTime(key.lastUsedAt, "UTC")}` : "never used";
    return `${key.name} (${key.maskedKey}) in ${key.projectName}: ${used}. ${keyLink(input.baseUrl, key)}`;
  });
  const more = input.total - lines.length;
  return render(
    input.total === 1 ? "1 API key unused for 90 days" : `${input.total} API keys unused for ${input.unusedDays} days`,
    `Hello ${input.name},`,
    [
      {
        kind: "p",
        text: `${input.total === 1 ? "This key has" : "These keys have"} not been used successfully for ${input.unusedDays} days. Keys nobody uses are risk without benefit: revoke the ones that are no longer needed.`,
      },
      { kind: "list", items: more > 0 ? [...lines, `…and ${more} more`] : lines },
      { kind: "button", label: "Review keys", href: `${input.baseUrl}/settings/api-keys?sort=lastUsedAt&dir=asc` },
    ],
    "You receive this weekly digest as a Keydesk administrator or as the keys' creator. Turn it off on your Profile page.",
  );
}

export function leakAlert(input: { name: string; key: MailKey; url: string | null; action: "revoked" | "reported" | "already_revoked"; baseUrl: string }): MailContent {
  const outcome =
    input.action === "revoked"
      ? "Keydesk revoked it at once, as the project's policy says: anything still using it now fails. Roll out a replacement key."
      : input.action === "already_revoked"
        ? "The key was already revoked, so it no longer works."
        : "The project's policy is to report, not revoke: the key still works. Decide now whether to revoke or roll it.";
  return render(
    `Key "${input.key.name}" was reported leaked`,
    `Hello ${input.name},`,
    [
      { kind: "p", text: `The API key ${describeKey(input.key)} was reported found in the wild.` },
      ...(input.url ? [{ kind: "p" as const, text: "Where it was found (as reported; check before you open it):" }, { kind: "quote" as const, text: input.url }] : []),
      { kind: "p", text: outcome },
      { kind: "button", label: "Open the key", href: keyLink(input.baseUrl, input.key) },
    ],
    ALERT_FOOTER,
  );
}

export function canaryAlert(input: {
  name: string;
  key: MailKey;
  request: { method: string | null; path: string | null; ip: string | null };
  at: Date;
  baseUrl: string;
}): MailContent {
  const request = [input.request.method ?? "(no method)", input.request.path ?? "(no path)"].join(" ");
  return render(
    `Canary key "${input.key.name}" was used`,
    `Hello ${input.name},`,
    [
      {
        kind: "p",
        text: `Someone tried the canary key ${describeKey(input.key)} at ${formatDateTime(input.at, "UTC")}. No legitimate caller has this key: where it was planted has been read by someone who should not have.`,
      },
      { kind: "list", items: [`Request: ${request}`, `Client IP: ${input.request.ip ?? "not given"}`] },
      { kind: "p", text: "The caller was told the key does not exist." },
      { kind: "button", label: "Open the key", href: keyLink(input.baseUrl, input.key) },
    ],
    ALERT_FOOTER,
  );
}
