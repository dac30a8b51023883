// Numbers as every page, export and audit summary shows them: "12,345", "42%". One fixed locale
// rather than the browser's, so the HTML rendered on the server and the one hydrated in the
// browser agree, and summaries read the same for everyone. No Node APIs: client components use it.

/** Whole numbers and counts: 12345 → "12,345". */
export const countFormat = new Intl.NumberFormat("en-US");

/** Shares of a whole, rounded: 0.416 → "42%". */
export const percentFormat = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 0 });

/** countFormat as a plain function, for template strings and callbacks. */
export function formatCount(n: number): string {
  return countFormat.format(n);
}
