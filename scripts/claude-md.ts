/**
 * The checks that keep CLAUDE.md's function tables in step with the code: the
 * table of `convex/` modules must name exactly the functions each module
 * registers, and the life of a job may name only functions its files export.
 * Pure: the test feeds it CLAUDE.md and the modules' sources.
 */

/** The Convex functions a module registers (`export const name = query(…)` and the builders). */
export function registeredFunctions(source: string): string[] {
  const pattern =
    /^export const (\w+) = (?:userQuery|userMutation|query|mutation|action|internalQuery|internalMutation|internalAction|httpAction)\(/gm;
  return [...source.matchAll(pattern)].map((match) => match[1]!);
}

/** Every name a module exports (functions, constants, classes). */
export function exportedNames(source: string): string[] {
  const pattern = /^export (?:async )?(?:const|function|class) (\w+)/gm;
  return [...source.matchAll(pattern)].map((match) => match[1]!);
}

/** The rows of the first Markdown table after `heading` (a line that contains it): cells, without the header. */
export function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.includes(heading));
  if (start < 0) return [];
  const rows: string[][] = [];
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("|")) {
      inTable = true;
      const cells = line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim());
      if (!cells.every((cell) => /^-+$/.test(cell))) rows.push(cells);
    } else if (inTable) break;
  }
  return rows.slice(1);
}

/** The names in backticks of a cell: "`a`, `b` (and `c`)" → ["a", "b", "c"]. */
export function codeNames(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
}

/**
 * What differs between the modules table (`| \`file.ts\` | owns | functions |`)
 * and the modules' registered functions: one line per difference, none when in step.
 */
export function moduleTableProblems(rows: string[][], modules: Record<string, string>): string[] {
  const problems: string[] = [];
  const listed = new Map(rows.map((row) => [codeNames(row[0] ?? "")[0] ?? "", codeNames(row.at(-1) ?? "")]));
  for (const [file, source] of Object.entries(modules)) {
    const registered = registeredFunctions(source);
    if (registered.length === 0) continue;
    const named = listed.get(file);
    if (!named) {
      problems.push(`${file} registers ${registered.join(", ")} but has no row`);
      continue;
    }
    for (const name of registered) if (!named.includes(name)) problems.push(`${file}: ${name} is not listed`);
    for (const name of named)
      if (!registered.includes(name)) problems.push(`${file}: ${name} is listed but not registered`);
  }
  for (const file of listed.keys()) if (!(file in modules)) problems.push(`${file} has a row but no module`);
  return problems;
}

/**
 * What the life-of-a-job table (`| step | \`convex/file.ts\` | names |`) names
 * that its file does not export: one line each, none when in step.
 */
export function stepTableProblems(rows: string[][], modules: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    const file = codeNames(row[1] ?? "")[0]?.replace(/^convex\//, "") ?? "";
    const source = modules[file];
    if (source === undefined) {
      problems.push(`step "${row[0]}" names ${file || "no file"}, which is not a module`);
      continue;
    }
    const exported = new Set(exportedNames(source));
    for (const name of codeNames(row[2] ?? "").filter((n) => /^\w+$/.test(n))) {
      if (!exported.has(name)) problems.push(`step "${row[0]}": ${file} does not export ${name}`);
    }
  }
  return problems;
}
