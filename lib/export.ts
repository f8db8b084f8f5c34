/**
 * Questions as files to download: CSV (every field, for spreadsheets) and a
 * tab-separated text file that Anki's "Import File" reads as Basic notes
 * (front: the question and its options; back: the answer and the
 * explanation; tags: the topic), with Anki's file headers so no import
 * option needs setting. Pure: built in the browser from the pages the client
 * walks (`hooks/use-export-questions.ts`).
 */
import type { QuestionDoc } from "./validators";

export type ExportFormat = "csv" | "anki";

const CSV_COLUMNS = [
  "question",
  "type",
  "options",
  "correct_answer",
  "explanation",
  "difficulty",
  "topic",
  "created",
  "due",
  "suspended",
  "flagged",
  "flag_reason",
] as const;

/** What a spreadsheet would run as a formula: a cell starting with =, +, -, @, a tab or a carriage return. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A signed number ("-40", "+1", "-3.5", "+2e3", "-12%") is data, not a formula, and is left as it is. */
const SIGNED_NUMBER = /^[+-](?:\d+(?:[.,]\d+)*|[.,]\d+)(?:e[+-]?\d+)?%?$/i;

/** True when a spreadsheet opening the file would run `value` as a formula (OWASP's CSV injection rule). */
function startsFormula(value: string): boolean {
  return FORMULA_START.test(value) && !SIGNED_NUMBER.test(value);
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a formula (`startsFormula`)
 * gets a leading ' so a spreadsheet shows it as text. */
function csvField(value: string): string {
  const safe = startsFormula(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The header row and one row per question, CRLF line ends (RFC 4180). */
export function toCsv(questions: readonly QuestionDoc[]): string {
  const rows = questions.map((q) =>
    [
      q.question,
      q.type,
      q.options.join(" | "),
      q.correctAnswer,
      q.explanation,
      q.difficulty,
      q.topic,
      new Date(q.createdAt).toISOString(),
      new Date(q.card.due).toISOString(),
      q.suspended ? "yes" : "no",
      q.flag ? "yes" : "no",
      q.flag?.reason ?? "",
    ]
      .map(csvField)
      .join(","),
  );
  return [CSV_COLUMNS.join(","), ...rows].join("\r\n") + "\r\n";
}

function html(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * A field of Anki's tab-separated text: HTML-escaped, no tabs or line breaks (those would split it). A field
 * that would start a formula in a spreadsheet starts with its first character as an HTML character reference
 * instead (`&#61;` for =), which Anki shows as the character itself.
 */
function ankiField(htmlText: string): string {
  const field = htmlText.replace(/\t/g, " ").replace(/\r\n?|\n/g, "<br>");
  return startsFormula(field) ? `&#${field.charCodeAt(0)};${field.slice(1)}` : field;
}

/** An Anki tag: one word (spaces become underscores); one that would start a formula gets a leading '. */
export function ankiTag(topic: string): string {
  const tag = topic.trim().replace(/\s+/g, "_") || "untagged";
  return startsFormula(tag) ? `'${tag}` : tag;
}

/** The Anki deck an export goes to: "Recall", or "Recall::<view>" (a sub-deck per topic). No tab or line break. */
export function ankiDeck(view: string | undefined): string {
  const name = view?.replace(/\s+/g, " ").trim();
  return name ? `Recall::${name}` : "Recall";
}

/**
 * Anki's file headers, so its "Import File" maps everything without a question: tab-separated, HTML fields,
 * Anki's built-in "Basic" note type, the deck (`ankiDeck`), the columns by name and tags in column 3; then
 * front, back and tags per line.
 */
export function toAnkiTsv(questions: readonly QuestionDoc[], view?: string): string {
  const lines = questions.map((q) => {
    const front = `${html(q.question)}<br><br>${q.options.map((o, i) => `${String.fromCharCode(65 + i)}. ${html(o)}`).join("<br>")}`;
    const back = `${html(q.correctAnswer)}${q.explanation ? `<br><br>${html(q.explanation)}` : ""}`;
    return [ankiField(front), ankiField(back), ankiTag(q.topic)].join("\t");
  });
  const headers = [
    "#separator:tab",
    "#html:true",
    "#notetype:Basic",
    `#deck:${ankiDeck(view)}`,
    "#columns:Front\tBack\tTags",
    "#tags column:3",
  ];
  return [...headers, ...lines].join("\n") + "\n";
}

/** The file's name: what it holds and the day, e.g. `questions-nato-alphabet-2026-11-23.csv`. */
export function exportFileName(format: ExportFormat, view: string | undefined, now: Date): string {
  const slug = (view ?? "all")
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40);
  return `questions-${slug || "all"}-${now.toISOString().slice(0, 10)}.${format === "csv" ? "csv" : "txt"}`;
}
