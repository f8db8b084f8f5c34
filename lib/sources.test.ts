/** A source's kind, normalised text, refusals, hash and chunks. */
import { describe, expect, it } from "vitest";
import { SOURCE_CONFIG } from "./constants/sources";
import {
  checkSourceText,
  chunkSourceText,
  nameFromText,
  normalizeSourceText,
  pastedTextKind,
  PAGE_BREAK,
  shortenName,
  sourceContentHash,
  sourceKindOf,
  sourceRefusal,
  SOURCE_REFUSAL_CODES,
} from "./sources";

describe("sourceKindOf", () => {
  it("reads the kind from the extension, or from the MIME type when there is none", () => {
    expect(sourceKindOf("chapter.md")).toBe("markdown");
    expect(sourceKindOf("Notes.MARKDOWN")).toBe("markdown");
    expect(sourceKindOf("notes.txt", "text/plain")).toBe("text");
    expect(sourceKindOf("slides.pdf", "application/octet-stream")).toBe("pdf");
    expect(sourceKindOf("README", "text/markdown; charset=utf-8")).toBe("markdown");
    expect(sourceKindOf("scan", "application/pdf")).toBe("pdf");
  });

  it("refuses other files, whatever their MIME type says", () => {
    expect(sourceKindOf("essay.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")).toBe(
      null,
    );
    expect(sourceKindOf("data.csv", "text/plain")).toBe(null);
    expect(sourceKindOf("photo.png", "image/png")).toBe(null);
    expect(sourceKindOf("blob")).toBe(null);
  });
});

describe("normalizeSourceText", () => {
  it("keeps text as stored: LF line ends, no BOM or control characters, no trailing spaces or blank edges", () => {
    const raw = "\uFEFF\n\n# Title  \r\nLine\u0007 one\rLine two\t\n\n\n";
    expect(normalizeSourceText(raw, "markdown")).toBe("# Title\nLine one\nLine two");
  });

  it("keeps form feeds (page breaks) only in a PDF's text", () => {
    expect(normalizeSourceText(`Page one${PAGE_BREAK}Page two`, "pdf")).toBe(`Page one${PAGE_BREAK}Page two`);
    expect(normalizeSourceText(`${PAGE_BREAK}Page two`, "pdf")).toBe(`${PAGE_BREAK}Page two`);
    expect(normalizeSourceText(`Page one${PAGE_BREAK}Page two`, "text")).toBe("Page one\nPage two");
  });

  it("makes valid Unicode in composed form, and is idempotent", () => {
    const raw = "Cafe\u0301 \uD800 🧬";
    const text = normalizeSourceText(raw, "text");
    expect(text).toBe("Café \uFFFD 🧬");
    expect(normalizeSourceText(text, "text")).toBe(text);
  });
});

describe("checkSourceText", () => {
  it("refuses empty, too short and too long texts with their numbers", () => {
    expect(checkSourceText("  \n ", { fileName: "a.md" })).toEqual({ code: "EMPTY", message: "This file is empty." });
    expect(checkSourceText("")).toMatchObject({ code: "EMPTY", message: "Paste some text first." });
    expect(checkSourceText("A short note.")?.code).toBe("TOO_SHORT");
    const long = "a".repeat(SOURCE_CONFIG.MAX_SOURCE_CHARS + 1);
    expect(checkSourceText(long)).toEqual({
      code: "TOO_LONG",
      message: "This is 500,001 characters of text; the limit is 500,000 (about 150 pages). Split it into parts.",
    });
    expect(checkSourceText("word ".repeat(SOURCE_CONFIG.MIN_SOURCE_CHARS / 5 + 1))).toBeNull();
  });

  it("has a plain sentence for every refusal", () => {
    for (const code of SOURCE_REFUSAL_CODES) expect(sourceRefusal(code).message).toMatch(/^\S.{20,}[.)]$/);
    expect(sourceRefusal("FILE_TOO_LARGE", { bytes: 62 * 1024 * 1024 }).message).toBe(
      "This file is 62.0 MB; files up to 50.0 MB can be read.",
    );
    expect(sourceRefusal("WRONG_TYPE", { fileName: "essay.docx" }).message).toMatch(/^“essay.docx” is not a Markdown/);
  });
});

describe("names and pasted text", () => {
  it("names pasted text by its first line, shortened", () => {
    expect(nameFromText("\n\n## Cell biology  \nText")).toBe("Cell biology");
    expect(nameFromText("   ")).toBe("Pasted text");
    const long = shortenName("x".repeat(500));
    expect(long.length).toBe(SOURCE_CONFIG.MAX_SOURCE_NAME_LENGTH);
    expect(long.endsWith("…")).toBe(true);
  });

  it("takes pasted text with Markdown headings as Markdown", () => {
    expect(pastedTextKind("Intro\n\n## Part one\ntext")).toBe("markdown");
    expect(pastedTextKind("#hashtag is not a heading")).toBe("text");
  });
});

describe("hash and chunks", () => {
  it("hashes the text's UTF-8 with SHA-256", () => {
    expect(sourceContentHash("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sourceContentHash("é")).not.toBe(sourceContentHash("e\u0301"));
  });

  it("chunks the text within the chunk size, in order, never splitting a character", () => {
    const text = "ab🧬".repeat(10);
    const chunks = chunkSourceText(text, 5);
    expect(chunks.join("")).toBe(text);
    chunks.forEach((chunk, i) => {
      expect(chunk.length).toBeLessThanOrEqual(5);
      if (i < chunks.length - 1) expect(chunk.length).toBeGreaterThanOrEqual(4);
      // No lone surrogate at either end.
      expect(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(chunk)).toBe(false);
    });
    expect(chunkSourceText("")).toEqual([]);
    expect(chunkSourceText("x".repeat(SOURCE_CONFIG.SOURCE_CHUNK_CHARS + 1)).map((c) => c.length)).toEqual([
      SOURCE_CONFIG.SOURCE_CHUNK_CHARS,
      1,
    ]);
  });
});
