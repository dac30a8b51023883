// Where to send someone after sign-in. One check for every place a callback URL is read (the
// sign-in page and form, next-auth's redirect callback, the guards' sign-in redirect, the proxy):
// only a path on this site comes out; anything else becomes "/".
//
// Checking the text is not enough: browsers drop tab/CR/LF anywhere in a URL and read "\" as
// "/", so "/\t/evil.example" navigates to //evil.example. Such characters are refused outright,
// then the value is resolved against an origin the way a browser would, and only a result on that
// origin whose path does not itself start with "//" is kept. Shared with client code.

const PLACEHOLDER_ORIGIN = "http://keydesk.invalid";
const MAX_LENGTH = 2048;
/** C0 controls, space, DEL and backslash: dropped or rewritten by browsers' URL parsers. */
const UNSAFE = /[\u0000-\u0020\u007f\\]/;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * A same-origin path ("/settings/api-keys?q=x") for `raw`, or "/" when `raw` could lead anywhere
 * else. Absolute URLs are accepted only when `origin` is given and they are on it.
 */
export function safeCallbackPath(raw: unknown, origin?: string): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > MAX_LENGTH || UNSAFE.test(raw)) return "/";
  let base: URL;
  try {
    base = new URL(origin ?? PLACEHOLDER_ORIGIN);
  } catch {
    return "/";
  }
  if (HAS_SCHEME.test(raw) ? !origin : !raw.startsWith("/") || raw.startsWith("//")) return "/";
  let url: URL;
  try {
    url = new URL(raw, base.origin);
  } catch {
    return "/";
  }
  if (url.origin !== base.origin) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil.example" resolves to the path "//evil.example", which is protocol-relative again.
  return path.startsWith("//") ? "/" : path;
}

/** For next-auth's `redirect` callback: an absolute URL on `baseUrl`'s origin. */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  return new URL(safeCallbackPath(url, baseUrl), baseUrl).toString();
}
