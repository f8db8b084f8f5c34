/**
 * A source's sections (what one model call sees) and how a job's questions are
 * spread over them. Pure functions of the text; `convex/sources.ts` stores the
 * sections of each source once, when its upload is finished.
 */
import { SOURCE_CONFIG } from "./constants/sources";
import { PAGE_BREAK } from "./sources";
import type { SectionPlace, SourceKind } from "./validators";

type Line = { start: number; end: number; text: string; afterPageBreak: boolean };
type Heading = { at: number; bodyStart: number; title: string };

export type SectionLimits = { maxChars: number; minChars: number };
const DEFAULT_LIMITS: SectionLimits = {
  maxChars: SOURCE_CONFIG.MAX_SECTION_CHARS,
  minChars: SOURCE_CONFIG.MIN_SECTION_CHARS,
};

/**
 * The sections of a normalised source text, in order. They tile the text (the
 * first starts at 0, each starts where the one before ends, the last ends at its
 * length), each is at most `maxChars` long and, unless the whole text is
 * shorter, at least `minChars`.
 *
 * A section starts at a heading: Markdown headings (ATX `#` and setext, not
 * inside code fences) for Markdown; heading-like lines (a short line standing
 * alone, capitalised, without closing punctuation) for PDFs; either for plain
 * text. A heading with no text of its own joins the section after it, which
 * names the result; a small section joins the next one (the one before, when
 * only that keeps both within `maxChars`, or at the end), keeping its own
 * heading. A section longer than `maxChars` is cut into near-equal parts at the
 * best break in reach: a heading, a page or paragraph, a line, a sentence, a
 * space; each part is named by the heading in force where it starts. PDF
 * sections carry the pages they span.
 */
export function sectionSource(text: string, kind: SourceKind, limits: SectionLimits = DEFAULT_LIMITS): SectionPlace[] {
  if (text.length === 0) return [];
  const headings = findHeadings(splitLines(text), kind);
  const spans = mergeSmall(toSpans(text, headings), limits).flatMap((span) => splitLarge(text, span, limits));
  const pageOf = kind === "pdf" ? pageFinder(text) : null;
  return spans.map(({ start, end, heading }) => {
    const place: SectionPlace = { start, end };
    if (heading !== undefined) place.heading = heading;
    if (pageOf) {
      const [first, last] = visibleBounds(text, start, end);
      place.pageStart = pageOf(first);
      place.pageEnd = pageOf(last);
    }
    return place;
  });
}

/** The text of a section. */
export function sectionText(text: string, place: Pick<SectionPlace, "start" | "end">): string {
  return text.slice(place.start, place.end);
}

// ── Headings ────────────────────────────────────────────────────────────────

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const pattern = /[^\n\f]*/g;
  for (let start = 0; start <= text.length;) {
    pattern.lastIndex = start;
    const end = start + pattern.exec(text)![0].length;
    lines.push({ start, end, text: text.slice(start, end), afterPageBreak: text[start - 1] === PAGE_BREAK });
    start = end + 1;
  }
  return lines;
}

const ATX = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const BULLET = /^\s*(?:[-*+•·▪◦–—]|\d+[.)]\s+\p{Ll})/u;
const PAGE_NUMBER = /^(?:page\s+)?\d+(?:\s*(?:of|\/)\s*\d+)?$/i;

function findHeadings(lines: Line[], kind: SourceKind): Heading[] {
  const headings: Heading[] = [];
  const markdown = kind !== "pdf";
  const loose = kind !== "markdown";
  let fence: string | null = null;
  const blank = (i: number) => i < 0 || i >= lines.length || lines[i]!.text.trim() === "";
  /** Nothing before the line on its page, or after it (a page's first or last line stands alone). */
  const aloneBefore = (i: number) => blank(i - 1) || lines[i]!.afterPageBreak;
  const aloneAfter = (i: number) => blank(i + 1) || lines[i + 1]!.afterPageBreak;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (markdown) {
      const fenceMark = FENCE.exec(line.text)?.[1];
      if (fenceMark !== undefined) {
        if (fence === null) fence = fenceMark;
        else if (fenceMark[0] === fence[0] && fenceMark.length >= fence.length) fence = null;
        continue;
      }
      if (fence !== null) continue;
      const atx = ATX.exec(line.text);
      if (atx && atx[2]!.trim() !== "") {
        headings.push({ at: line.start, bodyStart: line.end, title: cleanHeading(atx[2]!) });
        continue;
      }
      const next = lines[i + 1];
      if (
        kind === "markdown" &&
        next &&
        blank(i - 1) &&
        !blank(i) &&
        SETEXT_UNDERLINE.test(next.text) &&
        !BULLET.test(line.text)
      ) {
        headings.push({ at: line.start, bodyStart: next.end, title: cleanHeading(line.text) });
        i++;
        continue;
      }
    }
    if (loose && aloneBefore(i) && aloneAfter(i) && isHeadingLike(line.text)) {
      headings.push({ at: line.start, bodyStart: line.end, title: cleanHeading(line.text) });
    }
  }
  return headings;
}

/** A line that reads like a title: short, capitalised or numbered, no closing punctuation, not a list item or page number. */
export function isHeadingLike(raw: string): boolean {
  const line = raw.trim();
  if (line.length < 2 || line.length > SOURCE_CONFIG.MAX_HEADING_LENGTH) return false;
  if (!/\p{L}/u.test(line) || PAGE_NUMBER.test(line) || BULLET.test(line)) return false;
  if (/[.,;:]$/.test(line) || line.split(/\s+/).length > 15) return false;
  return !/^\p{Ll}/u.test(line);
}

/** A heading's text without Markdown marks (emphasis, code, links), shortened to `MAX_HEADING_LENGTH`. */
function cleanHeading(raw: string): string {
  const text = raw
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[*_`]+/g, "")
    .replace(/\s+/g, " ")
    .trim();
  const max = SOURCE_CONFIG.MAX_HEADING_LENGTH;
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

// ── Spans ───────────────────────────────────────────────────────────────────

/** A run of text with its heading, and the headings that start inside it (spans joined into it). */
type Span = { start: number; end: number; heading?: string; headingOnly: boolean; marks: Mark[] };
type Mark = { at: number; heading: string };

function toSpans(text: string, headings: Heading[]): Span[] {
  const spans: Span[] = [];
  if (headings.length === 0 || headings[0]!.at > 0)
    spans.push({ start: 0, end: headings[0]?.at ?? text.length, headingOnly: false, marks: [] });
  headings.forEach((heading, i) => {
    const end = headings[i + 1]?.at ?? text.length;
    const headingOnly = text.slice(heading.bodyStart, end).trim() === "";
    spans.push({ start: heading.at, end, heading: heading.title, headingOnly, marks: [] });
  });
  return spans;
}

/**
 * Two neighbouring spans as one (`first` is used up: its marks are extended in place, so a run of many
 * small spans joins in linear time). A span with no heading, or only a heading, takes the name of what it joins.
 */
function join(first: Span, second: Span): Span {
  const heading = first.headingOnly || first.heading === undefined ? (second.heading ?? first.heading) : first.heading;
  const marks = first.marks;
  if (second.heading !== undefined) marks.push({ at: second.start, heading: second.heading });
  for (const mark of second.marks) marks.push(mark);
  return {
    start: first.start,
    end: second.end,
    ...(heading !== undefined ? { heading } : {}),
    headingOnly: first.headingOnly && second.headingOnly,
    marks,
  };
}

const size = (span: Span) => span.end - span.start;

/** Small spans (and lone headings) joined to a neighbour: the next one, or the one before when only that keeps both within `maxChars`. */
function mergeSmall(spans: Span[], { minChars, maxChars }: SectionLimits): Span[] {
  const merged: Span[] = [];
  let current: Span | undefined;
  const small = (span: Span) => span.headingOnly || size(span) < minChars;
  for (const span of spans) {
    const last = merged.at(-1);
    if (current === undefined) current = span;
    else if (!small(current)) {
      merged.push(current);
      current = span;
    } else if (
      !current.headingOnly &&
      last &&
      size(current) + size(span) > maxChars &&
      size(last) + size(current) <= maxChars
    ) {
      merged[merged.length - 1] = join(last, current);
      current = span;
    } else current = join(current, span);
  }
  if (current === undefined) return merged;
  const last = merged.at(-1);
  if (last && small(current)) merged[merged.length - 1] = join(last, current);
  else merged.push(current);
  return merged;
}

/**
 * `span` in near-equal parts of at most `maxChars` (and at least `minChars`), cut at the best break in
 * reach; each part is named by the heading in force where it starts.
 */
function splitLarge(text: string, span: Span, { maxChars, minChars }: SectionLimits): Span[] {
  const parts: Span[] = [];
  let start = span.start;
  while (span.end - start > maxChars) {
    const remaining = span.end - start;
    const ideal = remaining / Math.ceil(remaining / maxChars);
    const lo = start + Math.max(minChars, Math.floor(ideal - maxChars / 4));
    const hi = start + Math.min(maxChars, Math.ceil(ideal + maxChars / 4));
    const atHeading = span.marks.findLast((mark) => mark.at >= lo && mark.at <= hi)?.at;
    const cut = atHeading ?? bestBreak(text, lo, hi);
    parts.push(part(span, start, cut));
    start = cut;
  }
  parts.push(part(span, start, span.end));
  return parts;
}

function part(span: Span, start: number, end: number): Span {
  const heading = span.marks.findLast((mark) => mark.at <= start)?.heading ?? span.heading;
  return { start, end, ...(heading !== undefined ? { heading } : {}), headingOnly: false, marks: [] };
}

/** Where to cut between `lo` and `hi`: after the last page or paragraph break, else line, sentence end, space. */
function bestBreak(text: string, lo: number, hi: number): number {
  const window = text.slice(lo, hi);
  const candidates = [/[\f]|\n[ \t]*\n/g, /\n/g, /[.!?]["'”’)\]]*\s/g, /\s/g];
  for (const pattern of candidates) {
    let cut = -1;
    for (const match of window.matchAll(pattern)) cut = match.index + match[0].length;
    if (cut > 0) return lo + cut;
  }
  const code = text.charCodeAt(hi - 1);
  return code >= 0xd800 && code <= 0xdbff ? hi - 1 : hi;
}

// ── Pages ───────────────────────────────────────────────────────────────────

/** The page (from 1) of an offset in a PDF's text: one more than the page breaks before it. */
function pageFinder(text: string): (offset: number) => number {
  const breaks: number[] = [];
  for (let i = text.indexOf(PAGE_BREAK); i !== -1; i = text.indexOf(PAGE_BREAK, i + 1)) breaks.push(i);
  return (offset) => {
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (breaks[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

/** The first and last offsets of visible text in [start, end) (both `start` when there is none). */
function visibleBounds(text: string, start: number, end: number): [number, number] {
  let first = start;
  while (first < end && /\s/.test(text[first]!)) first++;
  let last = end - 1;
  while (last > first && /\s/.test(text[last]!)) last--;
  return first < end ? [first, last] : [start, start];
}

// ── Spreading questions ─────────────────────────────────────────────────────

/**
 * `total` questions spread over sections in proportion to `weights` (their
 * lengths), by largest remainder: each section gets the whole part of its share,
 * and the questions left go to the largest remainders. The counts add up to
 * `total` exactly. Equal remainders share what is left evenly across the
 * source (not all at its start), so with more sections than questions, the
 * questions come from the longest sections, spread through the text. All-zero
 * weights count as equal. No sections: no counts.
 */
export function spreadQuestions(total: number, weights: readonly number[]): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`spreadQuestions: total ${total}`);
  if (weights.length === 0) return [];
  const whole = weights.map((w) => Math.max(0, Math.round(w)));
  const sum = whole.reduce((a, b) => a + b, 0);
  const w = sum === 0 ? whole.map(() => 1) : whole;
  const W = sum === 0 ? w.length : sum;
  // Integer arithmetic: share_i = total·w_i / W = counts_i + remainder_i / W.
  const counts = w.map((wi) => Math.floor((total * wi) / W));
  const remainders = w.map((wi, i) => total * wi - counts[i]! * W);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = [...new Set(remainders)].sort((a, b) => b - a);
  for (const remainder of byRemainder) {
    if (left === 0) break;
    const tied = remainders.flatMap((r, i) => (r === remainder ? [i] : []));
    const take = Math.min(left, tied.length);
    for (let j = 0; j < take; j++) counts[tied[Math.floor(((j + 0.5) * tied.length) / take)]!]!++;
    left -= take;
  }
  return counts;
}
