// What ids look like, in one place: validations, queries, services and the session check all
// recognise a row id the same way. No Node APIs here: forms in the browser check ids too.
// (A key's public id, "key_…", has its own module: lib/keys/public-id.ts.)

/** A row id: any 8-4-4-4-12 hex string in either case, as PostgreSQL's uuid type accepts (not RFC-version-strict). */
const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: unknown): boolean {
  return typeof value === "string" && GUID_PATTERN.test(value);
}
