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

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading =, +, - or @
 * gets a ' so a spreadsheet never runs it as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
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

/** A field of Anki's tab-separated text: HTML-escaped, no tabs or line breaks (those would split it). */
function ankiField(htmlText: string): string {
  return htmlText.replace(/\t/g, " ").replace(/\r?\n/g, "<br>");
}

/** An Anki tag: one word (spaces become underscores). */
export function ankiTag(topic: string): string {
  return topic.trim().replace(/\s+/g, "_") || "untagged";
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
