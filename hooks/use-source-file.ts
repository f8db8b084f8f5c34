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
import { readPastedText, readSourceBytes, type PdfJs, type SourceReading } from "@/lib/sourceFile";
import type { ExtractedSource, SourceRefusal } from "@/lib/sources";

/**
 * A chosen or dropped file's text as a source, or why it cannot be one
 * (`readSourceBytes`, with PDF.js loaded on demand). Never throws.
 */
export function readSourceFile(file: File): Promise<SourceReading> {
  return readSourceBytes(
    { name: file.name, type: file.type, size: file.size, bytes: async () => new Uint8Array(await file.arrayBuffer()) },
    loadPdfJs,
  );
}

/** PDF.js in the browser: imported only now, its worker bundled and served by the app; null on the server. */
async function loadPdfJs(): Promise<PdfJs | null> {
  // `typeof window` is settled when the app is built, so the server's bundle holds no PDF.js at all.
  if (typeof window === "undefined") return null;
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  if (typeof Worker !== "undefined" && pdfjs.GlobalWorkerOptions.workerPort === null) {
    // In Node (the tests) PDF.js runs its worker in the same thread instead.
    pdfjs.GlobalWorkerOptions.workerPort = new Worker(
      new URL("pdfjs-dist/legacy/build/pdf.worker.min.mjs", import.meta.url),
      { type: "module" },
    );
  }
  return pdfjs;
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
