/**
 * Reading files in the browser as sources, through the real PDF.js (its worker
 * runs in-process here), on the project's fixtures: text comes out with its
 * pages, and every refusal is the one a user should see.
 */
import { act, renderHook, waitFor } from "@testing-library/react";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SOURCE_CONFIG } from "@/lib/constants/sources";
import { sectionSource } from "@/lib/sections";
import { PAGE_BREAK } from "@/lib/sources";
import { readPastedText, type SourceReading } from "@/lib/sourceFile";
import { readSourceFile, useSourceFile } from "./use-source-file";

const fixture = (name: string, type = "") => new File([readFileSync(`tests/fixtures/sources/${name}`)], name, { type });

const refusalOf = (reading: SourceReading) => (reading.ok ? null : reading.refusal.code);

describe("readSourceFile", () => {
  it("reads a Markdown file as Markdown text", async () => {
    const reading = await readSourceFile(fixture("photosynthesis.md", "text/markdown"));
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    expect(reading.source).toMatchObject({ name: "photosynthesis.md", kind: "markdown", fileBytes: 14120 });
    expect(reading.source.text.startsWith("# Photosynthesis: How Plants Capture Light\n\nAlmost every")).toBe(true);
    expect(reading.source.pageCount).toBeUndefined();
  });

  it("reads a text PDF page by page: headings on lines of their own, no page numbers", async () => {
    const reading = await readSourceFile(fixture("timekeeping.pdf", "application/pdf"));
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    const { text, pageCount, pagesWithoutText, kind } = reading.source;
    expect({ kind, pageCount, pagesWithoutText }).toEqual({ kind: "pdf", pageCount: 6, pagesWithoutText: 0 });
    expect(text.split(PAGE_BREAK)).toHaveLength(6);
    expect(text.startsWith("A Short History of Timekeeping\n\nPeople have measured time")).toBe(true);
    expect(text).toContain("\n\nThe Pendulum\n\nIn 1583, according to a story told by his pupil");
    expect(text).not.toMatch(/^\d+$/m);
    // Its sections are the document's chapters, with their pages.
    const sections = sectionSource(text, "pdf");
    expect(sections[0]).toMatchObject({ heading: "A Short History of Timekeeping", pageStart: 1 });
    expect(sections.map((s) => s.heading)).toEqual(expect.arrayContaining(["Water and Fire", "The Longitude Problem"]));
    expect(sections.at(-1)).toMatchObject({ pageEnd: 6 });
  });

  it("refuses a scanned PDF (pictures only), an encrypted one and a damaged one", async () => {
    expect(refusalOf(await readSourceFile(fixture("scanned.pdf")))).toBe("NO_TEXT_LAYER");
    expect(refusalOf(await readSourceFile(fixture("encrypted.pdf")))).toBe("ENCRYPTED");
    const pdf = readFileSync("tests/fixtures/sources/timekeeping.pdf");
    expect(refusalOf(await readSourceFile(new File([pdf.subarray(0, 2000)], "cut.pdf")))).toBe("UNREADABLE");
    expect(refusalOf(await readSourceFile(new File(["not a pdf at all"], "fake.pdf")))).toBe("UNREADABLE");
  });

  it("refuses a wrong type, an empty file, a file too large and text over the limit, before reading any PDF", async () => {
    expect(await readSourceFile(new File(["x"], "essay.docx"))).toEqual({
      ok: false,
      refusal: {
        code: "WRONG_TYPE",
        message:
          "“essay.docx” is not a Markdown, text or PDF file. Choose a .md, .txt or .pdf file, or paste the text.",
      },
    });
    expect(refusalOf(await readSourceFile(new File([], "notes.txt")))).toBe("EMPTY");
    const huge = new File([new Uint8Array(SOURCE_CONFIG.MAX_FILE_BYTES + 1)], "huge.pdf");
    expect(refusalOf(await readSourceFile(huge))).toBe("FILE_TOO_LARGE");
    const long = new File(["word ".repeat(SOURCE_CONFIG.MAX_SOURCE_CHARS / 5 + 1)], "long.txt");
    expect(refusalOf(await readSourceFile(long))).toBe("TOO_LONG");
    expect(refusalOf(await readSourceFile(new File(["Too short."], "short.md")))).toBe("TOO_SHORT");
  });

  it("reads UTF-16 text with a byte-order mark, and refuses bytes that are not text", async () => {
    const text = "Notes on cells. ".repeat(20);
    const utf16 = new Uint8Array([
      0xff,
      0xfe,
      ...new Uint8Array(new Uint16Array([...text].map((c) => c.charCodeAt(0))).buffer),
    ]);
    const reading = await readSourceFile(new File([utf16], "notes.txt"));
    expect(reading.ok && reading.source.text).toBe(text.trim());
    expect(refusalOf(await readSourceFile(new File([new Uint8Array([0x89, 0x50, 0xc3, 0x28, 0])], "image.txt")))).toBe(
      "UNREADABLE",
    );
  });
});

describe("readPastedText", () => {
  it("names pasted notes by their first line and takes Markdown headings as Markdown", () => {
    const reading = readPastedText(`## Mitosis\r\n\r\n${"Cells divide in stages. ".repeat(12)}`);
    expect(reading.ok && { name: reading.source.name, kind: reading.source.kind }).toEqual({
      name: "Mitosis",
      kind: "markdown",
    });
    expect(refusalOf(readPastedText("   "))).toBe("EMPTY");
  });
});

describe("useSourceFile", () => {
  it("is reading, then ready or refused; a later read wins over an earlier one still running", async () => {
    const { result } = renderHook(() => useSourceFile());
    expect(result.current.state).toEqual({ status: "empty" });
    let first!: Promise<void>;
    act(() => {
      first = result.current.readFile(fixture("timekeeping.pdf"));
    });
    expect(result.current.state).toEqual({ status: "reading", fileName: "timekeeping.pdf" });
    await act(() => result.current.readFile(new File(["x"], "slides.pptx")));
    await act(() => first);
    expect(result.current.state).toMatchObject({
      status: "refused",
      fileName: "slides.pptx",
      refusal: { code: "WRONG_TYPE" },
    });
    act(() => result.current.readText("Pasted notes. ".repeat(20)));
    await waitFor(() => expect(result.current.state).toMatchObject({ status: "ready", source: { kind: "text" } }));
    act(() => result.current.clear());
    expect(result.current.state).toEqual({ status: "empty" });
  });
});
