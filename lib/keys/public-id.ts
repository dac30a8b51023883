// The key's public id ("Sid"), e.g. key_4fT9aB0cD1eF2gH3. No Node APIs here: validation that
// runs in the browser (forms) checks ids too.
export const PUBLIC_ID_PREFIX = "key_";
export const PUBLIC_ID_RANDOM_LENGTH = 16;
export const PUBLIC_ID_PATTERN = new RegExp(`^${PUBLIC_ID_PREFIX}[0-9A-Za-z]{${PUBLIC_ID_RANDOM_LENGTH}}$`);

export function isPublicId(value: unknown): boolean {
  return typeof value === "string" && PUBLIC_ID_PATTERN.test(value);
}
