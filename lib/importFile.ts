/**
 * Reading an import file into questions, before anything is sent: CSV (this app's own export, or a simple
 * `question, options, answer, explanation` layout, with or without a header row) and Anki's "Notes in Plain
 * Text" export with its header lines (`#separator:`, `#html:`, `#deck:`, `#notetype:`, `#columns:`, `#… column:`).
 * Each question keeps the line it starts on, and each row that can't be read says why. Pure: the import
 * dialog previews it; the server checks each question again (`convex/addQuestions.ts`).
 */
import { JOB_CONFIG } from "./constants/jobs";
import { parseDelimited, type DelimitedRecord } from "./csv";
import { checkTopicName } from "./topics";
import { DIFFICULTIES, QUESTION_TYPES, type GeneratedQuestion, type ImportRow } from "./validators";

export type ImportFormat = "csv" | "anki";

export type ParsedImport = {
  format: ImportFormat;
  /** A topic for questions the file doesn't give one: Anki's deck, or the file's name. */
  suggestedTopic: string;
  rows: ImportRow[];
  /** Rows that can't be read, with their line. */
  problems: { line: number; problem: string }[];
  /** Cards that had only an answer: other cards' answers became their wrong options. */
  optionsFromOtherCards: number;
};

/** Anki's header lines (`#key:value` at the top of the file) that this reader knows. */
const ANKI_HEADERS = new Set([
  "separator",
  "html",
  "tags",
  "columns",
  "notetype",
  "deck",
  "notetype column",
  "deck column",
  "tags column",
  "guid column",
  "if matches",
]);
const SEPARATOR_NAMES: Record<string, string> = {
  tab: "\t",
  comma: ",",
  semicolon: ";",
  space: " ",
  pipe: "|",
  colon: ":",
};

/** Which column holds what (0-based), after the header row or lines have been read. */
type Columns = {
  question: number;
  answer: number;
  options?: number;
  explanation: number[];
  type?: number;
  difficulty?: number;
  topic?: number;
  notetype?: number;
  /** Front/back cards: options may be lettered lines of the front, the back may hold the explanation after a blank line. */
  cards: boolean;
};

/** Header names a CSV may use for each column (compared without case, spaces or underscores). */
const COLUMN_NAMES: Record<string, keyof Omit<Columns, "cards" | "explanation"> | "explanation" | "back"> = {
  question: "question",
  front: "question",
  prompt: "question",
  term: "question",
  options: "options",
  choices: "options",
  answer: "answer",
  correctanswer: "answer",
  correct: "answer",
  back: "back",
  definition: "back",
  explanation: "explanation",
  backextra: "explanation",
  extra: "explanation",
  notes: "explanation",
  type: "type",
  difficulty: "difficulty",
  topic: "topic",
  deck: "topic",
  notetype: "notetype",
};

/**
 * The questions of an import file named `fileName`, or why it can't be imported at all (empty, too many
 * questions or too much text for one import: `MAX_IMPORT_QUESTIONS`, `MAX_IMPORT_TEXT_BYTES`).
 */
export function parseImportFile(text: string, fileName: string): ParsedImport | { error: string } {
  const body = text.replace(/^\uFEFF/, "");
  const { headers, headerLines } = readAnkiHeaders(body);
  const rest = body
    .split(/\r\n|\r|\n/)
    .slice(headerLines)
    .join("\n");
  const format: ImportFormat = headers.size > 0 ? "anki" : "csv";
  const separator = separatorOf(headers.get("separator"), rest);
  const html = format === "anki" && headers.get("html")?.toLowerCase() !== "false";
  const parsed = parseDelimited(rest, separator, headerLines + 1);
  const problems: ParsedImport["problems"] = [];
  let records = parsed.records;
  if (parsed.unclosedQuoteAt !== undefined)
    problems.push({ line: parsed.unclosedQuoteAt, problem: "A quoted field starts on this line and never ends." });

  let columns: Columns;
  if (format === "anki") {
    columns = ankiColumns(headers, separator);
  } else {
    const named = records[0] ? namedColumns(records[0].fields) : null;
    if (named) records = records.slice(1);
    columns = named ?? positionalColumns(records[0]?.fields.length ?? 0, separator);
  }

  const deck = headers.get("deck");
  const drafts: Draft[] = [];
  for (const record of records) {
    const draft = draftOf(record, columns, { html, anki: format === "anki", notetype: headers.get("notetype") });
    if ("problem" in draft) problems.push({ line: record.line, problem: draft.problem });
    else drafts.push(draft);
  }
  const { rows, optionsFromOtherCards, problems: optionProblems } = withOptions(drafts);
  problems.push(...optionProblems);
  problems.sort((a, b) => a.line - b.line);

  if (rows.length === 0 && problems.length === 0) return { error: "No questions found in this file." };
  if (rows.length > JOB_CONFIG.MAX_IMPORT_QUESTIONS)
    return {
      error: `This file has ${rows.length.toLocaleString("en")} questions; one import holds at most ${JOB_CONFIG.MAX_IMPORT_QUESTIONS.toLocaleString("en")}. Split it into smaller files and import each.`,
    };
  if (importTextBytes(rows) > JOB_CONFIG.MAX_IMPORT_TEXT_BYTES)
    return {
      error: `This file holds more text than one import can (${JOB_CONFIG.MAX_IMPORT_TEXT_BYTES / 1024 / 1024} MB). Split it into smaller files and import each.`,
    };
  return {
    format,
    suggestedTopic: topicFromDeck(deck) ?? topicFromFileName(fileName),
    rows,
    problems,
    optionsFromOtherCards,
  };
}

/** UTF-8 bytes of the questions' text, options, answers and explanations (what `MAX_IMPORT_TEXT_BYTES` bounds). */
export function importTextBytes(rows: readonly ImportRow[]): number {
  let bytes = 0;
  for (const { question: q } of rows)
    for (const text of [q.question, q.correctAnswer, q.explanation, ...q.options]) bytes += utf8Length(text);
  return bytes;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A surrogate pair (4 bytes) is two code units of 2 each.
    bytes += code < 0x80 ? 1 : code < 0x800 || (code >= 0xd800 && code < 0xe000) ? 2 : 3;
  }
  return bytes;
}

function readAnkiHeaders(text: string): { headers: Map<string, string>; headerLines: number } {
  const headers = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  let headerLines = 0;
  for (const line of lines) {
    const match = /^#([a-z ]+):(.*)$/i.exec(line);
    const key = match?.[1]!.trim().toLowerCase();
    if (!match || !ANKI_HEADERS.has(key!)) break;
    headers.set(key!, match[2]!.trim());
    headerLines++;
  }
  return { headers, headerLines };
}

function separatorOf(declared: string | undefined, text: string): string {
  if (declared !== undefined)
    return SEPARATOR_NAMES[declared.toLowerCase()] ?? (declared.length === 1 ? declared : "\t");
  const firstLine = text.split(/\r\n|\r|\n/).find((line) => line.trim() !== "") ?? "";
  if (firstLine.includes("\t")) return "\t";
  const count = (c: string) => firstLine.split(c).length - 1;
  return count(";") > count(",") ? ";" : ",";
}

/** Anki: the columns named by `#columns:`, or Front, Back and the rest; `#… column:` headers say where tags, deck and note type are. */
function ankiColumns(headers: Map<string, string>, separator: string): Columns {
  const at = (name: string) => {
    const n = Number(headers.get(name));
    return Number.isInteger(n) && n > 0 ? n - 1 : undefined;
  };
  const meta = new Set([at("tags column"), at("guid column"), at("deck column"), at("notetype column")]);
  const names = headers.get("columns")?.split(separator) ?? [];
  const fieldColumns: number[] = [];
  const width = Math.max(names.length, ...[...meta].map((i) => (i ?? -1) + 1), 2);
  for (let i = 0; i < width + 8; i++) if (!meta.has(i)) fieldColumns.push(i);
  const byName = names.length > 0 ? namedColumns(names) : null;
  return {
    question: byName?.question ?? fieldColumns[0]!,
    answer: byName?.answer ?? fieldColumns[1]!,
    explanation: byName?.explanation ?? fieldColumns.slice(2, Math.max(3, names.length)),
    topic: at("deck column"),
    notetype: at("notetype column"),
    cards: true,
  };
}

/** Columns named by a header row, if `fields` is one (it names a question or front, and an answer or back). */
function namedColumns(fields: readonly string[]): Columns | null {
  const found: Partial<Record<string, number>> = {};
  const explanation: number[] = [];
  fields.forEach((field, i) => {
    const role = COLUMN_NAMES[field.toLowerCase().replace(/[\s_-]+/g, "")];
    if (role === "explanation") explanation.push(i);
    else if (role !== undefined && found[role] === undefined) found[role] = i;
  });
  const answer = found.answer ?? found.back;
  if (found.question === undefined || answer === undefined) return null;
  return {
    question: found.question,
    answer,
    options: found.options,
    explanation,
    type: found.type,
    difficulty: found.difficulty,
    topic: found.topic,
    notetype: found.notetype,
    cards: found.answer === undefined,
  };
}

/** No header: front and back (two columns, or tab-separated), else question, options, answer, explanation. */
function positionalColumns(width: number, separator: string): Columns {
  if (width <= 2 || separator === "\t") return { question: 0, answer: 1, explanation: [2], cards: true };
  return { question: 0, options: 1, answer: 2, explanation: [3], cards: false };
}

type Draft = Omit<ImportRow, "question"> & {
  question: string;
  options: string[] | null;
  answer: string;
  explanation: string;
  type?: GeneratedQuestion["type"];
  difficulty: GeneratedQuestion["difficulty"];
};

function draftOf(
  record: DelimitedRecord,
  columns: Columns,
  file: { html: boolean; anki: boolean; notetype?: string },
): Draft | { problem: string } {
  const cell = (i: number | undefined) => {
    const raw = i === undefined ? "" : (record.fields[i] ?? "");
    return file.html ? htmlToText(raw) : file.anki ? raw : unDefused(raw);
  };
  const notetype = cell(columns.notetype) || file.notetype || "";
  let question = tidyLines(cell(columns.question));
  if (/cloze/i.test(notetype) || /\{\{c\d+::/.test(question))
    return { problem: "A cloze card can't be imported: questions here have options to choose from." };
  let answer = tidyLines(cell(columns.answer));
  let explanation = columns.explanation
    .map(cell)
    .map(tidyLines)
    .filter((text) => text !== "")
    .join("\n\n");
  let options: string[] | null = null;
  if (columns.options !== undefined) {
    options = splitOptions(cell(columns.options));
  } else if (columns.cards) {
    const lettered = letteredOptions(question);
    if (lettered) ({ question, options } = lettered);
    const back = splitBack(answer);
    answer = back.answer;
    explanation = [back.explanation, explanation].filter((text) => text !== "").join("\n\n");
  }
  if (question === "") return { problem: "No question on this line." };
  if (answer === "") return { problem: "No answer on this line." };
  if (options && options.length > 0) answer = optionByLetter(answer, options) ?? answer;
  const typeCell = cell(columns.type).trim().toLowerCase();
  let type = QUESTION_TYPES.find((t) => t === typeCell);
  if (options === null || options.length === 0) {
    options = isTrueFalse(answer) ? ["True", "False"] : null;
    if (options) type = "true-false";
  } else if (type === undefined && options.length === 2 && options.every(isTrueFalse)) {
    type = "true-false";
  }
  const difficultyCell = cell(columns.difficulty).trim().toLowerCase();
  const topic = cell(columns.topic).trim();
  return {
    line: record.line,
    question,
    options,
    answer,
    explanation,
    type,
    difficulty: DIFFICULTIES.find((d) => d === difficultyCell) ?? "medium",
    ...(topic ? { topic: topicFromDeck(topic) ?? topic } : {}),
  };
}

/**
 * The drafts as questions. A card with only an answer gets up to three other cards' answers as its wrong
 * options (chosen by a hash, so the preview and the import agree); with no other answer in the file, it
 * can't be imported.
 */
/** Options are at most this long (the question contract, `convex/lib/ai/questionSchema.ts`): a longer answer is
 * never offered as another card's wrong option. */
const MAX_OPTION_LENGTH = 300;

function withOptions(drafts: readonly Draft[]): {
  rows: ImportRow[];
  optionsFromOtherCards: number;
  problems: ParsedImport["problems"];
} {
  const pool = new Map<string, string>();
  for (const d of drafts)
    if (d.options === null && d.answer.length <= MAX_OPTION_LENGTH) pool.set(d.answer.toLowerCase(), d.answer);
  const rows: ImportRow[] = [];
  const problems: ParsedImport["problems"] = [];
  let optionsFromOtherCards = 0;
  for (const d of drafts) {
    let options = d.options;
    if (options === null) {
      const others = [...pool.entries()]
        .filter(([key]) => key !== d.answer.toLowerCase())
        .sort(([a], [b]) => hash(d.answer + "\u0000" + a) - hash(d.answer + "\u0000" + b))
        .slice(0, 3)
        .map(([, answer]) => answer);
      if (others.length === 0) {
        problems.push({
          line: d.line,
          problem: "This card has no options, and the file has no other answers to offer as wrong ones.",
        });
        continue;
      }
      const at = hash(d.question) % (others.length + 1);
      options = [...others.slice(0, at), d.answer, ...others.slice(at)];
      optionsFromOtherCards++;
    }
    rows.push({
      line: d.line,
      question: {
        question: d.question,
        type: d.type ?? "multiple-choice",
        options,
        correctAnswer: d.answer,
        explanation: d.explanation,
        difficulty: d.difficulty,
      },
      ...(d.topic !== undefined ? { topic: d.topic } : {}),
    });
  }
  return { rows, optionsFromOtherCards, problems };
}

/** FNV-1a: a small, stable hash. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** This app's CSV export puts a ' before a field a spreadsheet would run as a formula; the import takes it off. */
function unDefused(field: string): string {
  return /^'[=+\-@\t\r]/.test(field) ? field.slice(1) : field;
}

/** Anki's HTML fields as text: line breaks kept, tags, sounds and images dropped, entities decoded. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<br\s*\/?>/gi, "\n")
      .replace(/<\/(?:div|p|li|h[1-6]|tr)\s*>/gi, "\n")
      .replace(/\[sound:[^\]]*\]/g, "")
      .replace(/<[^>]*>/g, ""),
  ).replace(/\u00a0/g, " ");
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Lines trimmed, runs of blank lines as one, no blank lines at either end. */
function tidyLines(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.replace(/[ \t]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** "A | B | C" (this app's export), else one option per line, else "A; B; C". */
function splitOptions(cell: string): string[] {
  const separator = cell.includes("|") ? "|" : /\r|\n/.test(cell) ? /\r\n|\r|\n/ : ";";
  return cell
    .split(separator)
    .map((option) => option.trim())
    .filter((option) => option !== "");
}

/** A front that ends with lettered lines ("A. Paris", "B) Lyon"…, from A on): the question and its options. */
function letteredOptions(front: string): { question: string; options: string[] } | null {
  const lines = front.split("\n");
  const options: string[] = [];
  let end = lines.length;
  while (end > 0) {
    const line = lines[end - 1]!;
    const match = /^([A-Fa-f])[.)]\s+(.+)$/.exec(line);
    if (line === "" && options.length > 0) break;
    if (!match) break;
    options.unshift(match[2]!);
    end--;
  }
  const letters = lines.slice(end).map((line) => line[0]!.toUpperCase());
  if (options.length < 2 || letters.some((letter, i) => letter !== "ABCDEF"[i])) return null;
  const question = tidyLines(lines.slice(0, end).join("\n"));
  return question ? { question, options } : null;
}

/** A card's back: the answer, then (after a blank line, or on the next lines) its explanation. */
function splitBack(back: string): { answer: string; explanation: string } {
  const blank = back.search(/\n\s*\n/);
  if (blank >= 0) return { answer: back.slice(0, blank).trim(), explanation: back.slice(blank).trim() };
  const [first = "", ...rest] = back.split("\n");
  return { answer: first.trim(), explanation: rest.join("\n").trim() };
}

/** "B", "b)" or "B." names the second option (unless some option is literally that). */
function optionByLetter(answer: string, options: readonly string[]): string | undefined {
  const match = /^([A-Fa-f])[.)]?$/.exec(answer.trim());
  if (!match || options.some((o) => o.toLowerCase() === answer.trim().toLowerCase())) return undefined;
  return options["ABCDEF".indexOf(match[1]!.toUpperCase())];
}

function isTrueFalse(text: string): boolean {
  return /^(true|false)$/i.test(text.trim());
}

/** The last part of an Anki deck path ("Recall::NATO alphabet" → "NATO alphabet"). */
function topicFromDeck(deck: string | undefined): string | undefined {
  const name = deck?.split("::").pop()?.trim();
  return name ? fitTopic(name) : undefined;
}

/** "questions-nato-alphabet-2026-11-23.csv" (this app's export) → "Nato alphabet"; "Spanish verbs.txt" → "Spanish verbs". */
function topicFromFileName(fileName: string): string {
  const stem = fileName
    .replace(/\.[a-z0-9]{1,5}$/i, "")
    .replace(/^questions-/, "")
    .replace(/-\d{4}-\d{2}-\d{2}$/, "")
    .replace(/[-_]+/g, " ");
  const name = fitTopic(stem);
  return name ? name.charAt(0).toUpperCase() + name.slice(1) : "Imported";
}

function fitTopic(name: string): string {
  const checked = checkTopicName(name.slice(0, JOB_CONFIG.MAX_TOPIC_LENGTH));
  return "name" in checked ? checked.name : "";
}
