import { z } from "zod";
import { isWellFormedText, malformedTextMessage, wellFormed } from "@/lib/validations/text";

/**
 * A key's owner (`externalId`), its `metadata` and its `enabled` flag: schemas shared by the key
 * forms (which check metadata live, in the browser), the server actions, the REST API and the
 * OpenAPI document. No Node APIs here.
 */

// C1 controls (U+0080–U+009F) are refused too: they are invisible and never meant in a name.
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

export const EXTERNAL_ID_MAX_LENGTH = 255;
export const METADATA_MAX_BYTES = 4096;
/** A form's metadata text longer than this is refused before it is parsed. */
const METADATA_MAX_TEXT_LENGTH = 64 * 1024;

const externalIdTextSchema = z
  .string({ error: "Owner must be text" })
  .trim()
  .max(EXTERNAL_ID_MAX_LENGTH, `Owner must be at most ${EXTERNAL_ID_MAX_LENGTH} characters`)
  .refine((text) => !CONTROL_CHARS.test(text), "Owner must not contain control characters")
  .refine(...wellFormed("Owner"));

/** Create: absent, null or blank = no owner (null). */
export const externalIdSchema = externalIdTextSchema.nullish().transform((text) => (text ? text : null));

/** Update: absent = unchanged (undefined); null or blank clears it (null). */
export const externalIdUpdateSchema = externalIdTextSchema
  .nullable()
  .optional()
  .transform((text) => (text === undefined ? undefined : text ? text : null));

export type KeyMetadata = Record<string, unknown>;

function isPlainObject(value: unknown): value is KeyMetadata {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What is wrong with the values inside metadata, or null. */
function valueProblem(value: unknown): string | null {
  if (typeof value === "string") {
    if (value.includes("\u0000")) return "Metadata must not contain NUL characters (\\u0000)";
    // jsonb refuses a lone UTF-16 surrogate ("\ud800" in JSON), which would be a 500.
    return isWellFormedText(value) ? null : malformedTextMessage("Metadata");
  }
  if (typeof value === "number") return Number.isFinite(value) ? null : "Metadata numbers must be finite";
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = valueProblem(item);
      if (problem) return problem;
    }
    return null;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      // Harmless here, but callers that merge our answer into their own objects may not be.
      if (key === "__proto__") return 'Metadata keys must not be "__proto__"';
      const problem = valueProblem(key) ?? valueProblem(item);
      if (problem) return problem;
    }
    return null;
  }
  return null;
}

export type MetadataResult = { ok: true; value: KeyMetadata } | { ok: false; message: string };

/**
 * Checks a metadata value: a JSON object (a form sends it as text; blank means {}) of at most
 * METADATA_MAX_BYTES when serialized, with nothing PostgreSQL's jsonb cannot store.
 */
export function checkMetadata(raw: unknown): MetadataResult {
  let value = raw;
  if (typeof raw === "string") {
    const text = raw.trim();
    if (text === "") return { ok: true, value: {} };
    if (text.length > METADATA_MAX_TEXT_LENGTH) return { ok: false, message: `Metadata must be at most ${METADATA_MAX_BYTES} bytes as JSON` };
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      return { ok: false, message: 'Metadata is not valid JSON; write an object such as {"plan": "pro"}' };
    }
  }
  if (!isPlainObject(value)) return { ok: false, message: 'Metadata must be a JSON object such as {"plan": "pro"}, not a list or a single value' };
  const size = new TextEncoder().encode(JSON.stringify(value)).length;
  if (size > METADATA_MAX_BYTES) {
    return { ok: false, message: `Metadata must be at most ${METADATA_MAX_BYTES} bytes as JSON (this is ${size})` };
  }
  const problem = valueProblem(value);
  return problem ? { ok: false, message: problem } : { ok: true, value };
}

const metadataValueSchema = z.unknown().transform((raw, ctx): KeyMetadata => {
  const checked = checkMetadata(raw);
  if (checked.ok) return checked.value;
  ctx.addIssue({ code: "custom", message: checked.message });
  return z.NEVER;
});

/** Create: absent or null = {}. */
export const metadataSchema = z.preprocess((raw) => raw ?? {}, metadataValueSchema);

/** Update: absent = unchanged (undefined); null clears it ({}); anything else replaces it whole. */
export const metadataUpdateSchema = z.preprocess(
  (raw) => (raw === null ? {} : raw),
  metadataValueSchema.optional(),
);

/** JSON true/false, or the strings a form submits. */
export const enabledSchema = z.union([z.boolean(), z.enum(["true", "false"]).transform((text) => text === "true")], {
  error: '"enabled" must be true or false',
});
