// Refinements every free-text field shares. Shared with client forms: no server imports here.
//
// A lone UTF-16 surrogate (half of an emoji, e.g. "\uD83D") is valid in a JavaScript string but
// not in UTF-8: PostgreSQL's driver path cannot store it and answered 500. It is never what a
// person meant, so it is refused as a field error like any other bad character.

/** True when `text` has no lone surrogates (ES2024 String.prototype.isWellFormed). */
export function isWellFormedText(text: string): boolean {
  return text.isWellFormed();
}

/** The message a field shows for a lone surrogate, naming the field as people read it. */
export function malformedTextMessage(label: string): string {
  return `${label} contains an invalid character (a broken emoji or symbol). Retype it and try again.`;
}

/** `.refine(...wellFormed("Name"))` on any z.string(). */
export function wellFormed(label: string): [(text: string) => boolean, string] {
  return [isWellFormedText, malformedTextMessage(label)];
}
