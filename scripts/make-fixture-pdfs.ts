/**
 * Makes the PDF fixtures of `tests/fixtures/sources/` (committed; run again after changing their text):
 *
 * - `timekeeping.pdf`: a text PDF of several A5 pages laid out from `timekeeping.source.md` (`#` lines become
 *   bold headings in a larger font, a page number in each footer);
 * - `scanned.pdf`: two pages that are only pictures, no text layer (what a scanner makes);
 * - `encrypted.pdf`: the text PDF's first page, behind a password (`fixture`).
 *
 * Usage: `npx tsx scripts/make-fixture-pdfs.ts`
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from "@cantoo/pdf-lib";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";

const DIR = path.join(import.meta.dirname, "..", "tests", "fixtures", "sources");
const A5: [number, number] = [420, 595];
const MARGIN = 50;
const BODY = { size: 11, leading: 15 };
const HEADING = { size: 15, before: 14, after: 8 };
const TITLE = { size: 20, after: 14 };
/** A fixed date, so the files change only when their content does. */
const DATE = new Date(Date.UTC(2026, 0, 1));

async function newDocument(title: string): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  doc.setProducer("question-jobs scripts/make-fixture-pdfs.ts");
  doc.setCreator("question-jobs");
  doc.setCreationDate(DATE);
  doc.setModificationDate(DATE);
  return doc;
}

/** Words of `text` in lines no wider than `width`. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}

/** Lays out Markdown-ish text (`# ` title, `# ` headings, blank-line paragraphs) on A5 pages. */
async function layOut(doc: PDFDocument, source: string): Promise<void> {
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const width = A5[0] - 2 * MARGIN;
  let page: PDFPage | null = null;
  let y = 0;
  const newPage = () => {
    page = doc.addPage(A5);
    y = A5[1] - MARGIN;
    const number = String(doc.getPageCount());
    page.drawText(number, {
      x: (A5[0] - regular.widthOfTextAtSize(number, 9)) / 2,
      y: MARGIN / 2,
      size: 9,
      font: regular,
      color: rgb(0.4, 0.4, 0.4),
    });
    return page;
  };
  const draw = (text: string, font: PDFFont, size: number, leading: number) => {
    if (!page || y - leading < MARGIN) newPage();
    y -= leading;
    page!.drawText(text, { x: MARGIN, y, size, font, color: rgb(0, 0, 0) });
  };

  const blocks = source.trim().split(/\n\s*\n/);
  blocks.forEach((block, index) => {
    const heading = /^#\s+(.*)$/.exec(block.trim());
    if (heading && index === 0) {
      for (const line of wrap(heading[1]!, bold, TITLE.size, width)) draw(line, bold, TITLE.size, TITLE.size * 1.2);
      y -= TITLE.after;
    } else if (heading) {
      // Keep a heading with the first lines of its paragraph.
      if (page && y - HEADING.before - HEADING.size * 1.2 - 3 * BODY.leading < MARGIN) newPage();
      else y -= HEADING.before;
      for (const line of wrap(heading[1]!, bold, HEADING.size, width))
        draw(line, bold, HEADING.size, HEADING.size * 1.2);
      y -= HEADING.after;
    } else {
      for (const line of wrap(block, regular, BODY.size, width)) draw(line, regular, BODY.size, BODY.leading);
      y -= BODY.leading / 2;
    }
  });
}

/** A grey-scale PNG of `width` × `height` pixels: lines of dark blobs on white, like a scanned page of text. */
function scannedPagePng(width: number, height: number, seed: number): Uint8Array {
  const rows: Buffer[] = [];
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const wordEnds: number[][] = [];
  for (let line = 0; line < Math.floor((height - 80) / 18); line++) {
    const ends: number[] = [];
    for (let x = 40; x < width - 40;) {
      const word = 10 + Math.floor(random() * 40);
      ends.push(x, Math.min(x + word, width - 40));
      x += word + 8;
    }
    wordEnds.push(ends);
  }
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(width + 1, 255);
    row[0] = 0; // filter: none
    const line = Math.floor((y - 40) / 18);
    const inInk = y >= 40 && (y - 40) % 18 < 9 && line < wordEnds.length;
    if (inInk) {
      const ends = wordEnds[line]!;
      for (let i = 0; i < ends.length; i += 2) row.fill(60, 1 + ends[i]!, 1 + ends[i + 1]!);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grey-scale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

async function main() {
  const source = readFileSync(path.join(DIR, "timekeeping.source.md"), "utf8");

  const text = await newDocument("A Short History of Timekeeping");
  await layOut(text, source);
  writeFileSync(path.join(DIR, "timekeeping.pdf"), await text.save());

  const scanned = await newDocument("Scanned notes");
  for (const seed of [1, 2]) {
    const image = await scanned.embedPng(scannedPagePng(420, 595, seed));
    scanned.addPage(A5).drawImage(image, { x: 0, y: 0, width: A5[0], height: A5[1] });
  }
  writeFileSync(path.join(DIR, "scanned.pdf"), await scanned.save());

  const encrypted = await newDocument("A Short History of Timekeeping (locked)");
  await layOut(
    encrypted,
    source
      .split(/\n\s*\n/)
      .slice(0, 3)
      .join("\n\n"),
  );
  encrypted.encrypt({ userPassword: "fixture", ownerPassword: "fixture-owner" });
  writeFileSync(path.join(DIR, "encrypted.pdf"), await encrypted.save());

  console.log(`timekeeping.pdf: ${text.getPageCount()} pages; scanned.pdf: 2 pages; encrypted.pdf: 1 page`);
}

await main();
