/**
 * A PDF page's text from the positioned pieces a PDF reader gives (PDF.js's
 * `getTextContent().items`): lines in reading order, a blank line where the gap
 * between lines shows a new paragraph, headings (lines in a larger font) on
 * lines of their own, page numbers in the margins dropped. Pure, so it is
 * tested on hand-made pages as well as on the fixtures through PDF.js.
 */

/** What this needs of a PDF.js text item (marked-content items have no `str` and are skipped). */
export type PdfTextItem = { str: string; transform: number[]; width: number; height: number; hasEOL: boolean };

type Line = { text: string; y: number; size: number };

/** A gap between lines this many times their font size starts a new paragraph (body text is set at 1.2–1.5). */
const PARAGRAPH_GAP = 1.7;
/** A line in a font this many times the body size is a heading. */
const HEADING_SIZE = 1.2;
/** The top and bottom of a page where a lone number is a page number (a share of the page's height). */
const MARGIN_SHARE = 0.1;
const PAGE_NUMBER = /^(?:page\s+)?\d+(?:\s*(?:of|\/)\s*\d+)?$/i;

/** The text of one page. `pageHeight` is the page's height in the items' units (PDF points). */
export function pageTextFromItems(items: readonly (PdfTextItem | { type: string })[], pageHeight: number): string {
  const lines = toLines(items.filter((item): item is PdfTextItem => "str" in item)).filter(
    (line) => !(PAGE_NUMBER.test(line.text) && isInMargin(line.y, pageHeight)),
  );
  if (lines.length === 0) return "";
  const body = bodySize(lines);
  const out: string[] = [];
  lines.forEach((line, i) => {
    const previous = lines[i - 1];
    const isHeading = line.size >= body * HEADING_SIZE;
    const wasHeading = previous !== undefined && previous.size >= body * HEADING_SIZE;
    const gap = previous === undefined ? 0 : Math.abs(previous.y - line.y);
    const newParagraph = gap > PARAGRAPH_GAP * Math.max(line.size, previous?.size ?? 0);
    if (previous !== undefined && (newParagraph || isHeading !== wasHeading) && out.at(-1) !== "") out.push("");
    out.push(line.text);
  });
  return out.join("\n");
}

function toLines(items: PdfTextItem[]): Line[] {
  const lines: Line[] = [];
  let text = "";
  let y = 0;
  let size = 0;
  let endX = 0;
  const flush = () => {
    const trimmed = text.replace(/\s+/g, " ").trim();
    if (trimmed !== "") lines.push({ text: trimmed, y, size });
    text = "";
    size = 0;
  };
  for (const item of items) {
    const [, , c = 0, d = 0, x = 0, itemY = 0] = item.transform;
    const itemSize = Math.hypot(c, d) || item.height;
    if (item.str !== "") {
      if (text !== "" && Math.abs(itemY - y) > Math.max(size, itemSize) / 2) flush();
      if (text === "") y = itemY;
      else if (x - endX > itemSize * 0.15 && !/\s$/.test(text) && !/^\s/.test(item.str)) text += " ";
      text += item.str;
      endX = x + item.width;
      size = Math.max(size, itemSize);
    }
    if (item.hasEOL) flush();
  }
  flush();
  return lines;
}

function isInMargin(y: number, pageHeight: number): boolean {
  return y < pageHeight * MARGIN_SHARE || y > pageHeight * (1 - MARGIN_SHARE);
}

/** The font size most of the page's characters are set in. */
function bodySize(lines: Line[]): number {
  const chars = new Map<number, number>();
  for (const line of lines) {
    const size = Math.round(line.size * 10) / 10;
    chars.set(size, (chars.get(size) ?? 0) + line.text.length);
  }
  return [...chars.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}
