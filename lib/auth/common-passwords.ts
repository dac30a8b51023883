// The breached/common-password check, for every place a password is chosen (setup, invites,
// profile, replacing a temporary password). The list is the ~49,000 most common passwords of the
// public leaked-password corpora that zxcvbn ships (@zxcvbn-ts/language-common, from the npm
// registry with the other dependencies; nothing is fetched at run time). NIST SP 800-63B asks
// for exactly this check, plus context words: the service's name and the person's own email.
import { dictionary } from "@zxcvbn-ts/language-common";

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set(dictionary["passwords-common"]);
  return common;
}

/** "Password123!" → "password": the word people decorate with digits and symbols. */
function core(password: string): string {
  return password.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
}

/**
 * True when `password` is on the list, is a listed word (or a context word) with digits or
 * symbols around it, or is one character repeated. Case and Unicode width do not matter.
 */
export function isCommonPassword(password: string, context: { email?: string } = {}): boolean {
  const normalized = password.normalize("NFKC").toLowerCase();
  const list = commonPasswords();
  if (list.has(normalized)) return true;
  if (new Set(normalized).size <= 2) return true;
  const word = core(normalized);
  const localPart = context.email?.toLowerCase().split("@")[0] ?? "";
  const contextWords = ["keydesk", context.email?.toLowerCase() ?? "", localPart].filter((w) => w.length >= 4);
  if (word.length >= 4 && (list.has(word) || contextWords.includes(word))) return true;
  return contextWords.some((w) => normalized === w);
}

export const COMMON_PASSWORD_MESSAGE =
  "This password is too common: it appears in lists of leaked passwords that attackers try first. Choose another, for example a few unrelated words.";
