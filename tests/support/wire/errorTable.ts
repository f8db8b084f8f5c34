/**
 * Prints the model error table of `docs/model-errors.md`: every case of
 * `cases.ts`, run through the real providers against the stand-ins, with what
 * the SDK threw and how `classifyError` classifies it today.
 *
 *   npx tsx tests/support/wire/errorTable.ts
 */
import { classifyError } from "../../../convex/lib/classifyError";
import { markdownTable } from "../markdownTable";
import { reportError, type ErrorReport } from "./capture";
import { runCase, TABLE_SILENCE_MS, WIRE_CASES } from "./cases";
import { WIRE_PROVIDERS } from "./providers";

/** Messages longer than this are cut in the table (parse errors quote the whole text). */
const MESSAGE_CELL_LENGTH = 90;

const rows: string[][] = [];
for (const wireCase of WIRE_CASES) {
  for (const provider of WIRE_PROVIDERS) {
    if (wireCase.scenario(provider) === null) continue;
    const run = await runCase(provider, wireCase);
    const label = provider === "gemini" ? "Gemini" : "OpenAI-compat.";
    const kept = String(run.kept);
    const requests = requestsCell(run.requests.map((request) => request.at));
    if (run.silent || run.error === null) {
      const what = run.silent ? `nothing: no error within ${TABLE_SILENCE_MS} ms, the call waits` : "no error";
      rows.push([wireCase.server, label, what, kept, requests, "—", "—"]);
      continue;
    }
    const { code, retryable } = classifyError(run.error);
    rows.push([
      wireCase.server,
      label,
      describeReport(reportError(run.error)),
      kept,
      requests,
      `\`${code}\``,
      retryable ? "yes" : "no",
    ]);
  }
}
console.log(
  markdownTable(
    ["what the server did", "provider", "what reaches processJob", "kept", "requests", "code", "retryable"],
    rows,
  ),
);

function describeReport(report: ErrorReport): string {
  const status = report.statusCode === undefined ? "" : ` ${report.statusCode}`;
  const flags = [
    report.isRetryable === undefined ? null : `isRetryable ${report.isRetryable}`,
    report.finishReason === undefined ? null : `finishReason "${report.finishReason}"`,
  ].filter((flag) => flag !== null);
  const head = `${report.name}${status}${flags.length > 0 ? ` (${flags.join(", ")})` : ""}: "${cut(report.message)}"`;
  return [head, ...report.causes.map((cause) => `← ${cut(cause)}`)].join(" ").replace(/\|/g, "\\|");
}

function requestsCell(times: number[]): string {
  if (times.length < 2) return String(times.length);
  const gaps = times.slice(1).map((at, i) => `${at - times[i]!} ms`);
  return `${times.length} (gap ${gaps.join(", ")})`;
}

function cut(text: string): string {
  return text.length > MESSAGE_CELL_LENGTH ? `${text.slice(0, MESSAGE_CELL_LENGTH - 1)}…` : text;
}
