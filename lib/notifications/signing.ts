// Standard Webhooks signing (https://www.standardwebhooks.com): the `standardwebhooks` package
// computes the signatures; this module only makes secrets and assembles the headers.
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

const SECRET_PREFIX = "whsec_";
/** 32 random bytes: the spec asks for 24–64. */
const SECRET_BYTES = 32;

/** A new signing secret in the Standard Webhooks form, `whsec_<base64>`. */
export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString("base64")}`;
}

/** A message id for the webhook-id header: unique per event, the same on every retry. */
export function generateMessageId(): string {
  return `msg_${randomBytes(18).toString("base64url")}`;
}

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/**
 * Headers for one attempt. Several secrets (during a rotation's overlap) give several
 * space-separated signatures, so receivers holding either secret accept the message.
 */
export function signedHeaders(secrets: readonly string[], messageId: string, sentAt: Date, body: string): SignedHeaders {
  if (secrets.length === 0) throw new Error("At least one signing secret is needed");
  const signatures = secrets.map((secret) => new Webhook(secret).sign(messageId, sentAt, body));
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}
