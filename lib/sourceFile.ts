/**
 * A learner's file (or pasted text) as a source: its kind, its text (a PDF's
 * through PDF.js, page by page: `pageTextFromItems`), normalised and checked,
 * or the refusal to show before anything is uploaded. The browser
 * (`hooks/use-source-file.ts`) and the command line (`npm run generate --
 * --source`) read files with this same code; each passes in PDF.js (the
 * browser imports it only when a PDF is chosen), so this module never loads it.
 */
import { SOURCE_CONFIG } from "./constants/sources";
import { pageTextFromItems } from "./pdfText";
import {
  checkSourceText,
  nameFromText,
  normalizeSourceText,
  PAGE_BREAK,
  pastedTextKind,
  shortenName,
  sourceKindOf,
  sourceRefusal,
  visibleLength,
  type ExtractedSource,
  type SourceRefusal,
} from "./sources";

/** What reading a PDF needs of PDF.js (`pdfjs-dist/legacy/build/pdf.mjs`). */
export type PdfJs = Pick<typeof import("pdfjs-dist/legacy/build/pdf.mjs"), "getDocument" | "VerbosityLevel">;

/** A file as this reads it: its name, its MIME type ("" when unknown), its size, and its bytes on demand. */
export type SourceFile = { name: string; type: string; size: number; bytes: () => Promise<Uint8Array> };

export type SourceReading = { ok: true; source: ExtractedSource } | { ok: false; refusal: SourceRefusal };

/**
 * A file's text as a source, or why it cannot be one. `loadPdfJs` gives PDF.js
 * when a PDF must be read (null where it cannot run: the PDF is refused as
 * unreadable). Never throws.
 */
export async function readSourceBytes(
  file: SourceFile,
  loadPdfJs: () => Promise<PdfJs | null>,
): Promise<SourceReading> {
  const fileName = file.name;
  const kind = sourceKindOf(fileName, file.type);
  if (kind === null) return refused(sourceRefusal("WRONG_TYPE", { fileName }));
  if (file.size === 0) return refused(sourceRefusal("EMPTY", { fileName }));
  if (file.size > SOURCE_CONFIG.MAX_FILE_BYTES) return refused(sourceRefusal("FILE_TOO_LARGE", { bytes: file.size }));
  const bytes = await file.bytes();
  const base = { name: shortenName(fileName), kind, fileBytes: file.size };
  if (kind === "pdf") {
    const pdf = await readPdf(bytes, loadPdfJs);
    if (!pdf.ok) return pdf;
    return checked(
      {
        ...base,
        text: normalizeSourceText(pdf.pages.join(PAGE_BREAK), "pdf"),
        pageCount: pdf.pages.length,
        pagesWithoutText: pdf.pagesWithoutText,
      },
      fileName,
    );
  }
  const raw = decodeText(bytes);
  if (raw === null) return refused(sourceRefusal("UNREADABLE", { kind }));
  return checked({ ...base, text: normalizeSourceText(raw, kind) }, fileName);
}

/** Pasted text as a source (Markdown when it has Markdown headings), named by its first line. */
export function readPastedText(raw: string): SourceReading {
  const kind = pastedTextKind(raw);
  const text = normalizeSourceText(raw, kind);
  return checked({ name: nameFromText(text), kind, text });
}

function refused(refusal: SourceRefusal): { ok: false; refusal: SourceRefusal } {
  return { ok: false, refusal };
}

function checked(source: ExtractedSource, fileName?: string): SourceReading {
  const refusal = checkSourceText(source.text, fileName !== undefined ? { fileName } : {});
  return refusal ? refused(refusal) : { ok: true, source };
}

/** UTF-8 (or UTF-16 with a byte-order mark) text, or null for bytes that are not text. */
function decodeText(bytes: Uint8Array): string | null {
  const utf16 =
    bytes[0] === 0xff && bytes[1] === 0xfe ? "utf-16le" : bytes[0] === 0xfe && bytes[1] === 0xff ? "utf-16be" : null;
  try {
    const text = new TextDecoder(utf16 ?? "utf-8", { fatal: true }).decode(bytes);
    return text.includes("\u0000") ? null : text;
  } catch {
    return null;
  }
}

type PdfReading = { ok: true; pages: string[]; pagesWithoutText: number } | { ok: false; refusal: SourceRefusal };

/** The text of each page of a PDF; refuses encrypted, damaged and picture-only PDFs, and stops reading past the limit. */
async function readPdf(bytes: Uint8Array, loadPdfJs: () => Promise<PdfJs | null>): Promise<PdfReading> {
  if (!isPdf(bytes)) return refused(sourceRefusal("UNREADABLE", { kind: "pdf" }));
  const pdfjs = await loadPdfJs();
  if (pdfjs === null) return refused(sourceRefusal("UNREADABLE", { kind: "pdf" }));
  const task = pdfjs.getDocument({ data: bytes, isEvalSupported: false, verbosity: pdfjs.VerbosityLevel.ERRORS });
  try {
    const document = await task.promise.catch((error: unknown) => {
      const code = (error as { name?: string }).name === "PasswordException" ? "ENCRYPTED" : "UNREADABLE";
      return sourceRefusal(code, { kind: "pdf" });
    });
    if ("code" in document) return refused(document);
    const pages: string[] = [];
    let pagesWithoutText = 0;
    let chars = 0;
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      const text = pageTextFromItems(content.items, page.view[3]! - page.view[1]!);
      page.cleanup();
      pages.push(text);
      if (visibleLength(text) === 0) pagesWithoutText++;
      chars += text.length + 1;
      if (chars > SOURCE_CONFIG.MAX_SOURCE_CHARS)
        return refused(sourceRefusal("TOO_LONG", { chars: SOURCE_CONFIG.MAX_SOURCE_CHARS, charsAtLeast: true }));
    }
    if (pagesWithoutText > 0 && visibleLength(pages.join(" ")) < SOURCE_CONFIG.MIN_SOURCE_CHARS)
      return refused(sourceRefusal("NO_TEXT_LAYER"));
    return { ok: true, pages, pagesWithoutText };
  } catch {
    return refused(sourceRefusal("UNREADABLE", { kind: "pdf" }));
  } finally {
    await task.destroy();
  }
}

/** A PDF starts with `%PDF-` within its first kilobyte. */
function isPdf(bytes: Uint8Array): boolean {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 1024));
  return head.includes("%PDF-");
}
