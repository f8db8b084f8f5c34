/**
 * Rows as a Markdown table with padded columns, for the summaries the fault
 * suite and the benchmark print. With `alignNumbers`, every column but the
 * first is right-aligned (figures line up).
 */
export function markdownTable(
  header: string[],
  rows: Array<Array<string | number>>,
  { alignNumbers = false } = {},
): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => (alignNumbers && i > 0 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(" | ")} |`;
  return [line(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...cells.slice(1).map(line)].join("\n");
}
