// Email is on when both SMTP_URL (e.g. smtps://user:pass@smtp.example.com) and KEYDESK_MAIL_FROM
// (e.g. "Keydesk <keydesk@example.com>") are set; otherwise it is off, nothing is queued, and the
// dashboard says so. Read on each use, so a test or a restart with new values takes effect.

export interface MailSettings {
  enabled: boolean;
  from: string | null;
  /** The SMTP URL; holds credentials, so never shown or logged. */
  url: string | null;
  /** Host and port only, for the dashboard. */
  server: string | null;
}

export function mailSettings(): MailSettings {
  const url = process.env.SMTP_URL?.trim() || null;
  const from = process.env.KEYDESK_MAIL_FROM?.trim() || null;
  let server: string | null = null;
  if (url) {
    try {
      server = new URL(url).host || null;
    } catch {
      server = null;
    }
  }
  return { enabled: Boolean(url && from && server), from, url, server };
}

/** Where links point: NEXTAUTH_URL (the public URL), else `fallback` (a request's origin), else this machine. */
export function publicBaseUrl(fallback?: string): string {
  const configured = process.env.NEXTAUTH_URL?.trim();
  const base = configured || fallback || `http://localhost:${process.env.PORT ?? 3000}`;
  return base.replace(/\/+$/, "");
}
