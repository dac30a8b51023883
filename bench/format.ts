// Formatting shared by the benchmark's report (bench/report.ts) and the soak's (bench/soak-report.ts).

/**
 * A Markdown table. `rule` is what stands between the pipes under the header: docs/benchmarks.md
 * has always had " --- " and docs/soak.md "---", kept so that regenerating either changes no line.
 */
export function table(header: string[], rows: string[][], rule = " --- "): string {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => rule).join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
}
