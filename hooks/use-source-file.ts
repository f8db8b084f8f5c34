/**
 * Reading a learner's material in the browser: a `.md`, `.txt` or `.pdf` file,
 * or pasted text, becomes a checked `ExtractedSource` (the server only ever
 * gets text), or a refusal to show before anything is uploaded.
 *
 * PDFs are read with PDF.js (pdfjs-dist's legacy build, which runs in every
 * browser Next.js supports and in Node for the tests). It is imported only when a
 * PDF is chosen, so it is never in a page's first load, and its worker is
 * bundled and served by the app (no CDN).
 */
"use client";

import { useCallback, useRef, useState } from "react";
import { SOURCE_CONFIG } from "@/lib/constants/sources";
import { pageTextFromItems } from "@/lib/pdfText";
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
} from "@/lib/sources";

export type SourceReading = { ok: true; source: ExtractedSource } | { ok: false; refusal: SourceRefusal };

/** A file's text as a source, or why it cannot be one. Never throws. */
export async function readSourceFile(file: File): Promise<SourceReading> {
  const fileName = file.name;
  const kind = sourceKindOf(fileName, file.type);
  if (kind === null) return refused(sourceRefusal("WRONG_TYPE", { fileName }));
  if (file.size === 0) return refused(sourceRefusal("EMPTY", { fileName }));
  if (file.size > SOURCE_CONFIG.MAX_FILE_BYTES) return refused(sourceRefusal("FILE_TOO_LARGE", { bytes: file.size }));
  const bytes = new Uint8Array(await file.arrayBuffer());
  const base = { name: shortenName(fileName), kind, fileBytes: file.size };
  if (kind === "pdf") {
    const pdf = await readPdf(bytes);
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
async function readPdf(bytes: Uint8Array): Promise<PdfReading> {
  if (!isPdf(bytes)) return refused(sourceRefusal("UNREADABLE", { kind: "pdf" }));
  // `typeof window` is settled when the app is built, so the server's bundle holds no PDF.js at all.
  if (typeof window === "undefined") return refused(sourceRefusal("UNREADABLE", { kind: "pdf" }));
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  if (typeof Worker !== "undefined" && pdfjs.GlobalWorkerOptions.workerPort === null) {
    // In Node (the tests) PDF.js runs its worker in the same thread instead.
    pdfjs.GlobalWorkerOptions.workerPort = new Worker(
      new URL("pdfjs-dist/legacy/build/pdf.worker.min.mjs", import.meta.url),
      { type: "module" },
    );
  }
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

export type SourceFileState =
  | { status: "empty" }
  | { status: "reading"; fileName: string }
  | { status: "ready"; source: ExtractedSource }
  | { status: "refused"; refusal: SourceRefusal; fileName?: string };

/**
 * The source a form is building: `readFile` (a chosen or dropped file) or
 * `readText` (pasted), `clear`. A read started later wins over one still running.
 */
export function useSourceFile() {
  const [state, setState] = useState<SourceFileState>({ status: "empty" });
  const latest = useRef(0);

  const readFile = useCallback(async (file: File) => {
    const id = ++latest.current;
    setState({ status: "reading", fileName: file.name });
    const reading = await readSourceFile(file);
    if (id !== latest.current) return;
    setState(
      reading.ok
        ? { status: "ready", source: reading.source }
        : { status: "refused", refusal: reading.refusal, fileName: file.name },
    );
  }, []);

  const readText = useCallback((raw: string) => {
    latest.current++;
    const reading = readPastedText(raw);
    setState(
      reading.ok ? { status: "ready", source: reading.source } : { status: "refused", refusal: reading.refusal },
    );
  }, []);

  const clear = useCallback(() => {
    latest.current++;
    setState({ status: "empty" });
  }, []);

  return { state, readFile, readText, clear };
}
