import { z } from "zod";

/**
 * POST /api/v1/keys/leaked, in the shape of GitHub's credential revocation API:
 * `{ "credentials": [{ "token": "…", "url": "…" }] }`. Other fields a scanner may add are
 * ignored. Limits keep one request bounded: at most 100 credentials, short tokens and URLs.
 */
export const MAX_LEAK_CREDENTIALS = 100;
export const MAX_LEAK_TOKEN_LENGTH = 512;
export const MAX_LEAK_URL_LENGTH = 2048;
/** 100 maximal credentials with JSON overhead fit; anything larger is refused unread. */
export const MAX_LEAK_REPORT_BYTES = 300 * 1024;

const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

export const leakReportSchema = z.object({
  credentials: z
    .array(
      z.object({
        token: z
          .string({ error: "Each credential needs a token (the secret that was found), as a string" })
          .min(1, "A token must not be empty")
          .max(MAX_LEAK_TOKEN_LENGTH, `A token must be at most ${MAX_LEAK_TOKEN_LENGTH} characters`),
        url: z
          .string({ error: "url must be a string" })
          .trim()
          .max(MAX_LEAK_URL_LENGTH, `url must be at most ${MAX_LEAK_URL_LENGTH} characters`)
          .refine((url) => !CONTROL_CHARS.test(url), "url must not contain control characters")
          .nullish()
          .transform((url) => url || null),
      }),
      { error: 'Send { "credentials": [{ "token": "…", "url": "…" }] }' },
    )
    .min(1, "Send at least one credential")
    .max(MAX_LEAK_CREDENTIALS, `Send at most ${MAX_LEAK_CREDENTIALS} credentials per request`),
});
