/** A PDF page's text from positioned pieces (the fixtures run through PDF.js in hooks/use-source-file.test.tsx). */
import { describe, expect, it } from "vitest";
import { pageTextFromItems, type PdfTextItem } from "./pdfText";

const HEIGHT = 800;
/** A piece of text at (x, y) in a font of `size`, `width` wide. */
const piece = (str: string, x: number, y: number, size = 10, hasEOL = false): PdfTextItem => ({
  str,
  transform: [size, 0, 0, size, x, y],
  width: str.length * size * 0.5,
  height: size,
  hasEOL,
});

describe("pageTextFromItems", () => {
  it("puts a heading (larger font) and each paragraph (a wider gap) on lines of their own", () => {
    const items = [
      piece("The Pendulum", 50, 700, 16, true),
      piece("In 1583 a lamp swung", 50, 670, 10, true),
      piece("in the cathedral of Pisa.", 50, 657, 10, true),
      piece("Huygens built a clock", 50, 630, 10, true),
      piece("in 1656.", 50, 617, 10),
    ];
    expect(pageTextFromItems(items, HEIGHT)).toBe(
      "The Pendulum\n\nIn 1583 a lamp swung\nin the cathedral of Pisa.\n\nHuygens built a clock\nin 1656.",
    );
  });

  it("joins pieces of one line, with a space only where there is a gap", () => {
    const items = [
      piece("photo", 50, 700),
      piece("synthesis", 75, 700),
      piece("makes", 130, 700),
      piece("sugar", 160, 700),
    ];
    expect(pageTextFromItems(items, HEIGHT)).toBe("photosynthesis makes sugar");
  });

  it("drops page numbers in the margins, not numbers in the text, and skips marked content", () => {
    const items = [
      piece("12", 400, 30, 9, true),
      { type: "beginMarkedContent" },
      piece("Chapter 3 begins here.", 50, 700, 10, true),
      piece("42", 50, 687, 10, true),
      piece("Page 3 of 9", 300, 780, 9),
    ];
    expect(pageTextFromItems(items, HEIGHT)).toBe("Chapter 3 begins here.\n42");
  });

  it("is empty for a page without text", () => {
    expect(pageTextFromItems([], HEIGHT)).toBe("");
    expect(pageTextFromItems([piece(" ", 50, 700, 10, true), piece("", 50, 690, 10, true)], HEIGHT)).toBe("");
  });
});
