// Sends one message through SMTP with nodemailer. One transporter per SMTP_URL, reused, so a
// burst of mail shares connections instead of opening one each.
import nodemailer, { type Transporter } from "nodemailer";
import { mailSettings } from "@/lib/notifications/mail/config";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

const globalForMail = globalThis as unknown as { __keydeskMailer?: { url: string; transporter: Transporter } };

function transporter(url: string): Transporter {
  const cached = globalForMail.__keydeskMailer;
  if (cached?.url === url) return cached.transporter;
  cached?.transporter.close();
  const created = nodemailer.createTransport(url, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  globalForMail.__keydeskMailer = { url, transporter: created };
  return created;
}

export async function sendMail(mail: OutgoingMail): Promise<void> {
  const settings = mailSettings();
  if (!settings.enabled || !settings.url || !settings.from) throw new Error("Email is off: set SMTP_URL and KEYDESK_MAIL_FROM.");
  await transporter(settings.url).sendMail({ from: settings.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
}

export function closeMailTransport(): void {
  globalForMail.__keydeskMailer?.transporter.close();
  globalForMail.__keydeskMailer = undefined;
}
