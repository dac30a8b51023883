import "server-only";
// "Find a key by its secret": someone pastes a key they found (in a log, a ticket, a public
// repository) and learns which key it is, to revoke it. Only the SHA-256 of the pasted text is
// looked up, as verification does; the text itself is never stored, logged or returned.
import { db } from "@/lib/db";
import { hashSecret, maskedKey, parseSecret } from "@/lib/keys/secret";

export interface FoundKey {
  publicId: string;
  name: string;
  maskedKey: string;
  project: { name: string; slug: string };
  revoked: boolean;
}

export type FindKeyResult = { found: FoundKey } | { notFound: "format" | "unknown" };

export async function findKeyBySecret(pasted: string): Promise<FindKeyResult> {
  // Pasting often brings a newline or spaces along; a secret never contains whitespace.
  const parsed = parseSecret(pasted.trim());
  // A string that fails the checksum cannot be any key's secret: no database read for it.
  if (!parsed.ok) return { notFound: "format" };
  const key = await db.apiKey.findUnique({
    where: { hash: hashSecret(parsed.secret) },
    select: {
      publicId: true,
      name: true,
      displayPrefix: true,
      last4: true,
      revokedAt: true,
      project: { select: { name: true, slug: true } },
    },
  });
  if (!key) return { notFound: "unknown" };
  return {
    found: {
      publicId: key.publicId,
      name: key.name,
      maskedKey: maskedKey(key.displayPrefix, key.last4),
      project: key.project,
      revoked: key.revokedAt !== null,
    },
  };
}
