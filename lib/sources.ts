/**
 * A learner's own material as text: what kind of file it is, how its text is
 * normalised, the refusals a user sees before anything is uploaded, its content
 * hash, its chunks for storage, and the upload protocol of `convex/sources.ts`.
 * The browser and the server run the same code, so the server can check what it
 * is sent (normalised, within the limits, the hash it claims).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { SOURCE_CONFIG } from "./constants/sources";
import type { SourceKind } from "./validators";

/** Separates a PDF's pages in its text (a form feed, as `pdftotext` writes it): page N starts after the (N-1)th. */
export const PAGE_BREAK = "\f";

const EXTENSIONS: Record<string, SourceKind> = { md: "markdown", markdown: "markdown", txt: "text", pdf: "pdf" };
const MIME_TYPES: Record<string, SourceKind> = {
  "text/markdown": "markdown",
  "text/x-markdown": "markdown",
  "text/plain": "text",
  "application/pdf": "pdf",
};

/** What a file chooser offers (`<input accept>`). */
export const ACCEPTED_SOURCE_FILES = ".md,.markdown,.txt,.pdf,text/markdown,text/plain,application/pdf";

/** The kind of a file by its name's extension, or by its MIME type when the name has none we know; null: not one we read. */
export function sourceKindOf(fileName: string, mimeType = ""): SourceKind | null {
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (extension !== undefined && extension in EXTENSIONS) return EXTENSIONS[extension]!;
  if (extension !== undefined && fileName.lastIndexOf(".") > 0) return null;
  return MIME_TYPES[mimeType.split(";")[0]!.trim().toLowerCase()] ?? null;
}

// ── Refusals ────────────────────────────────────────────────────────────────

export const SOURCE_REFUSAL_CODES = [
  "WRONG_TYPE",
  "FILE_TOO_LARGE",
  "EMPTY",
  "TOO_SHORT",
  "TOO_LONG",
  "NO_TEXT_LAYER",
  "ENCRYPTED",
  "UNREADABLE",
] as const;
export type SourceRefusalCode = (typeof SOURCE_REFUSAL_CODES)[number];
export type SourceRefusal = { code: SourceRefusalCode; message: string };

const count = (n: number) => n.toLocaleString("en-US");

/** "812 B", "14.2 KB", "3.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The plain sentence shown for a refusal; `facts` fill in the numbers. */
export function sourceRefusal(
  code: SourceRefusalCode,
  facts: { fileName?: string; bytes?: number; chars?: number; charsAtLeast?: boolean; kind?: SourceKind } = {},
): SourceRefusal {
  const { MAX_FILE_BYTES, MAX_SOURCE_CHARS, MIN_SOURCE_CHARS } = SOURCE_CONFIG;
  const messages: Record<SourceRefusalCode, string> = {
    WRONG_TYPE: `${facts.fileName ? `“${facts.fileName}” is not` : "That is not"} a Markdown, text or PDF file. Choose a .md, .txt or .pdf file, or paste the text.`,
    FILE_TOO_LARGE: `This file is ${formatBytes(facts.bytes ?? 0)}; files up to ${formatBytes(MAX_FILE_BYTES)} can be read.`,
    EMPTY: facts.fileName ? "This file is empty." : "Paste some text first.",
    TOO_SHORT: `There is too little text here to write questions from (at least ${count(MIN_SOURCE_CHARS)} characters).`,
    TOO_LONG: `This is ${facts.charsAtLeast ? "more than " : ""}${count(facts.chars ?? 0)} characters of text; the limit is ${count(MAX_SOURCE_CHARS)} (about 150 pages). Split it into parts.`,
    NO_TEXT_LAYER:
      "This PDF has no text to read: its pages are pictures (a scan?). Use a PDF with selectable text, or paste the text.",
    ENCRYPTED: "This PDF is protected by a password. Save a copy without the password, then choose that.",
    UNREADABLE:
      facts.kind === "pdf"
        ? "This file could not be read as a PDF (it may be damaged)."
        : "This file is not plain text (it may be a different kind of file renamed).",
  };
  return { code, message: messages[code] };
}

// ── Text ────────────────────────────────────────────────────────────────────

/** Control characters a text never needs (tab, line feed and form feed stay). */
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/g;
/** A surrogate half without its other half: not valid Unicode, and Convex refuses such strings. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text of a source as it is stored and hashed: no byte-order mark, `\n`
 * line ends, no control characters, valid Unicode (NFC), no spaces at line
 * ends, no blank lines at either end. Only a PDF's text keeps form feeds
 * (`PAGE_BREAK`, its page boundaries); elsewhere they become line breaks.
 * Idempotent: the server checks a text is already normalised.
 */
export function normalizeSourceText(raw: string, kind: SourceKind): string {
  let text = raw.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (kind !== "pdf") text = text.replaceAll(PAGE_BREAK, "\n");
  text = text.replace(CONTROL, "").replace(LONE_SURROGATE, "\uFFFD").normalize("NFC");
  return text.replace(/[ \t]+$/gm, "").replace(/^[ \t\n]+|[ \t\n]+$/g, "");
}

/** The text's length with each run of whitespace counted as one character. */
export function visibleLength(text: string): number {
  return text.replace(/\s+/g, " ").trim().length;
}

/** Why a normalised text cannot be a source (empty, too short, too long), or null when it can. */
export function checkSourceText(text: string, facts: { fileName?: string } = {}): SourceRefusal | null {
  const visible = visibleLength(text);
  if (visible === 0) return sourceRefusal("EMPTY", facts);
  if (text.length > SOURCE_CONFIG.MAX_SOURCE_CHARS) return sourceRefusal("TOO_LONG", { chars: text.length });
  if (visible < SOURCE_CONFIG.MIN_SOURCE_CHARS) return sourceRefusal("TOO_SHORT");
  return null;
}

/** A name for pasted text: its first line, without Markdown's heading marks, shortened to `MAX_SOURCE_NAME_LENGTH`. */
export function nameFromText(text: string): string {
  const firstLine = text.split("\n").find((line) => line.trim() !== "") ?? "";
  const name = firstLine.replace(/^\s*#+\s*/, "").trim() || "Pasted text";
  return shortenName(name);
}

/** `name` trimmed to `MAX_SOURCE_NAME_LENGTH` characters, with "…" when cut. */
export function shortenName(name: string): string {
  const trimmed = name.replace(/\s+/g, " ").trim();
  const max = SOURCE_CONFIG.MAX_SOURCE_NAME_LENGTH;
  return trimmed.length <= max ? trimmed : `${cutAt(trimmed, max - 1).trimEnd()}…`;
}

/** Markdown when pasted text has Markdown headings, plain text otherwise. */
export function pastedTextKind(text: string): SourceKind {
  return /^ {0,3}#{1,6}[ \t]+\S/m.test(text) ? "markdown" : "text";
}

/** The SHA-256 of a text's UTF-8, in hex: a source's identity (one stored source per user and hash). */
export function sourceContentHash(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** `text.slice(0, at)`, moved back one if it would cut a surrogate pair in two. */
function cutAt(text: string, at: number): string {
  const code = text.charCodeAt(at - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? at - 1 : at);
}

/**
 * The text in pieces of at most `SOURCE_CHUNK_CHARS` (never cutting a
 * surrogate pair), in order; joined, they are the text.
 */
export function chunkSourceText(text: string, size: number = SOURCE_CONFIG.SOURCE_CHUNK_CHARS): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < text.length;) {
    const chunk = cutAt(text.slice(start), Math.min(size, text.length - start));
    chunks.push(chunk);
    start += chunk.length;
  }
  return chunks;
}

// ── Uploading ───────────────────────────────────────────────────────────────

/** A source as the browser read it, before upload. */
export type ExtractedSource = {
  name: string;
  kind: SourceKind;
  /** Normalised (`normalizeSourceText`), within the limits (`checkSourceText`). */
  text: string;
  /** PDFs: their pages, and how many of them had no text (pictures only). */
  pageCount?: number;
  pagesWithoutText?: number;
  /** The file's size; absent for pasted text. */
  fileBytes?: number;
};

/** The calls of the upload protocol (`api.sources.beginSource`, `appendSourceChunks`, `finishSource`). */
export type SourceUploadCalls<Id extends string> = {
  begin: (args: {
    name: string;
    kind: SourceKind;
    contentHash: string;
    charCount: number;
    chunkCount: number;
    pageCount?: number;
  }) => Promise<{ sourceId: Id; ready: boolean }>;
  append: (args: { sourceId: Id; firstIndex: number; chunks: string[] }) => Promise<null>;
  finish: (args: { sourceId: Id }) => Promise<unknown>;
};

/**
 * Stores a source through `calls`: begin (an existing source with the same
 * text is reused at once), its chunks `SOURCE_CHUNKS_PER_CALL` at a time, then
 * finish (the server checks it whole and only then makes it usable). Safe to
 * run again after a failure: chunks are written by index.
 * `onProgress(sent, total)` counts chunks.
 */
export async function uploadSource<Id extends string>(
  calls: SourceUploadCalls<Id>,
  source: Pick<ExtractedSource, "name" | "kind" | "text" | "pageCount">,
  onProgress?: (sent: number, total: number) => void,
): Promise<{ sourceId: Id; reused: boolean }> {
  const chunks = chunkSourceText(source.text);
  const { sourceId, ready } = await calls.begin({
    name: shortenName(source.name),
    kind: source.kind,
    contentHash: sourceContentHash(source.text),
    charCount: source.text.length,
    chunkCount: chunks.length,
    ...(source.pageCount !== undefined ? { pageCount: source.pageCount } : {}),
  });
  if (ready) return { sourceId, reused: true };
  const perCall = SOURCE_CONFIG.SOURCE_CHUNKS_PER_CALL;
  for (let first = 0; first < chunks.length; first += perCall) {
    await calls.append({ sourceId, firstIndex: first, chunks: chunks.slice(first, first + perCall) });
    onProgress?.(Math.min(first + perCall, chunks.length), chunks.length);
  }
  await calls.finish({ sourceId });
  return { sourceId, reused: false };
}
