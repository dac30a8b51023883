// A project's key prefix (the `kd` of `kd_…`). No Node APIs here: the project form validates
// prefixes in the browser, and importing the secret generator for that shipped Node's crypto
// polyfills to the page (eslint/client-boundary.mjs now refuses such imports).
export const KEY_PREFIX_MIN_LENGTH = 2;
export const KEY_PREFIX_MAX_LENGTH = 12;
const KEY_PREFIX_PATTERN = new RegExp(`^[a-z0-9]{${KEY_PREFIX_MIN_LENGTH},${KEY_PREFIX_MAX_LENGTH}}$`);

export function isValidKeyPrefix(prefix: string): boolean {
  return KEY_PREFIX_PATTERN.test(prefix);
}
