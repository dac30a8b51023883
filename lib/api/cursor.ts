// Opaque list cursors: the sort key values of a page's last item and its id, so the next page
// starts strictly after it (keyset pagination). Unlike an offset, a cursor never repeats or skips
// an item because others were created meanwhile. The token is base64url JSON; clients must treat
// it as opaque, and one minted for another sort order is refused with 422.
import { z } from "zod";
import { ApiError } from "@/lib/api/errors";

const cursorSchema = z.strictObject({
  /** The sort it was minted for, e.g. "createdAt:desc". */
  s: z.string().max(40),
  /** The sort column's value: text, an ISO date-time, or null. */
  v: z.string().max(200).nullable(),
  /** The row id, the tiebreaker. */
  i: z.guid(),
});
export type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

/** The cursor named by `starting_after` (or `cursor`), checked against the sort in effect. */
export function decodeCursor(token: string, sort: string, parameter: string): Cursor {
  const refuse = (message: string) => new ApiError(422, "validation_failed", `Invalid query parameter \`${parameter}\`: ${message}`, { [parameter]: [message] });
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error("not base64url");
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw refuse("Not a cursor this API issued; pass a `nextCursor` unchanged");
  }
  const cursor = cursorSchema.safeParse(parsed);
  if (!cursor.success) throw refuse("Not a cursor this API issued; pass a `nextCursor` unchanged");
  if (cursor.data.s !== sort) throw refuse(`This cursor belongs to a list sorted by ${cursor.data.s}, not ${sort}`);
  return cursor.data;
}

/** `starting_after` and its alias `cursor`: at most one of them. */
export function cursorParam(query: { starting_after?: string; cursor?: string }): { token: string; parameter: string } | null {
  if (query.starting_after !== undefined && query.cursor !== undefined) {
    throw new ApiError(422, "validation_failed", "Send either `starting_after` or `cursor`, not both.", { cursor: ["Send either starting_after or cursor, not both"] });
  }
  if (query.starting_after !== undefined) return { token: query.starting_after, parameter: "starting_after" };
  if (query.cursor !== undefined) return { token: query.cursor, parameter: "cursor" };
  return null;
}
