/**
 * Checking a model's quote against the section it was written from, and the
 * quote in its context for the UI. A quote is verified only when its words are
 * in the section in the same order: case, spacing and punctuation may differ a
 * little (curly or straight quotes, dashes, a comma dropped, "…" for words
 * left out), words may not.
 */
import { SOURCE_CONFIG } from "./constants/sources";

/** Where a quote was found in a section: `section.slice(start, end)` is the quoted text. */
export type QuoteMatch = { start: number; end: number };

/** Text folded for matching: lower-case letters, digits and single spaces, with each folded character's span in the original. */
type Folded = { text: string; starts: number[]; ends: number[] };

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const INVISIBLE = /[\p{Cf}]/u;
/** A hyphen that ends a line in the middle of a word ("photo-⏎synthesis"), as PDFs break words. */
const LINE_END_HYPHEN = /^[-\u2010\u00AD][ \t]*[\n\f]\s*(?=\p{Ll})/u;
const HYPHENS = new Set(["-", "\u2010", "\u00AD"]);
/** An ellipsis marking words left out: "...", "…" (NFKC makes it "..."), "[...]". */
const ELLIPSIS = /\[\s*\.{3,}\s*\]|\.{3,}/;

function fold(source: string): Folded {
  const folded: Folded = { text: "", starts: [], ends: [] };
  const chars: string[] = [];
  for (let i = 0; i < source.length;) {
    const codePoint = source.codePointAt(i)!;
    const char = String.fromCodePoint(codePoint);
    const next = i + char.length;
    const lineEndHyphen =
      HYPHENS.has(char) && chars.length > 0 && chars.at(-1) !== " "
        ? LINE_END_HYPHEN.exec(source.slice(i, i + 40))
        : null;
    if (lineEndHyphen) {
      i += lineEndHyphen[0].length;
      continue;
    }
    if (INVISIBLE.test(char)) {
      i = next;
      continue;
    }
    for (const piece of char.normalize("NFKC").toLowerCase()) {
      if (WORD_CHAR.test(piece)) {
        chars.push(piece);
        folded.starts.push(i);
        folded.ends.push(next);
      } else if (chars.length > 0 && chars.at(-1) !== " ") {
        chars.push(" ");
        folded.starts.push(i);
        folded.ends.push(next);
      }
    }
    i = next;
  }
  if (chars.at(-1) === " ") {
    chars.pop();
    folded.starts.pop();
    folded.ends.pop();
  }
  folded.text = chars.join("");
  return folded;
}

/** The quote's parts between ellipses, folded (empty parts dropped). */
function quoteParts(quote: string): string[] {
  return quote
    .normalize("NFKC")
    .split(ELLIPSIS)
    .map((part) => fold(part).text)
    .filter((part) => part !== "");
}

/**
 * Where `quote` is in `section`, or null when it is not there (or is too short
 * to support anything, `MIN_QUOTE_CHARS`, or too long to be a quote,
 * `MAX_QUOTE_CHARS`). Matching ignores case, the amount of whitespace, and
 * punctuation (quotes, dashes, commas: each run of them counts as a space),
 * joins words a PDF hyphenated at a line end, and lets an ellipsis in the quote
 * stand for up to `MAX_QUOTE_ELISION_CHARS` of the section. The match starts and
 * ends at word boundaries. The first match is returned.
 */
export function findQuote(section: string, quote: string): QuoteMatch | null {
  const parts = quoteParts(quote);
  const letters = parts.join("").replace(/ /g, "").length;
  if (letters < SOURCE_CONFIG.MIN_QUOTE_CHARS || parts.join(" ").length > SOURCE_CONFIG.MAX_QUOTE_CHARS) return null;
  const haystack = fold(section);
  const text = haystack.text;
  const atBoundary = (start: number, end: number) =>
    (start === 0 || text[start - 1] === " ") && (end === text.length || text[end] === " ");
  /** The first occurrence of `part` at word boundaries from `from` (up to `before`), or -1. */
  const find = (part: string, from: number, before: number) => {
    for (let at = text.indexOf(part, from); at !== -1 && at <= before; at = text.indexOf(part, at + 1))
      if (atBoundary(at, at + part.length)) return at;
    return -1;
  };
  const [first, ...rest] = parts as [string, ...string[]];
  for (let start = find(first, 0, text.length); start !== -1; start = find(first, start + 1, text.length)) {
    let end = start + first.length;
    let matched = true;
    for (const part of rest) {
      const at = find(part, end + 1, end + 1 + SOURCE_CONFIG.MAX_QUOTE_ELISION_CHARS);
      if (at === -1) {
        matched = false;
        break;
      }
      end = at + part.length;
    }
    if (matched) return { start: haystack.starts[start]!, end: haystack.ends[end - 1]! };
  }
  return null;
}

/** A quote with up to `contextChars` of its section on each side, cut at word boundaries, for showing it highlighted. */
export function quoteInContext(
  section: string,
  match: QuoteMatch,
  contextChars = 240,
): { before: string; quote: string; after: string; cutBefore: boolean; cutAfter: boolean } {
  let from = Math.max(0, match.start - contextChars);
  if (from > 0) {
    const space = section.indexOf(" ", from);
    from = space === -1 || space >= match.start ? from : space + 1;
  }
  let to = Math.min(section.length, match.end + contextChars);
  if (to < section.length) {
    const space = section.lastIndexOf(" ", to);
    to = space <= match.end ? to : space;
  }
  return {
    before: section.slice(from, match.start),
    quote: section.slice(match.start, match.end),
    after: section.slice(match.end, to),
    cutBefore: from > 0,
    cutAfter: to < section.length,
  };
}

/** Characters of the section kept on each side of a question's quote (`quoteInContext`). */
export const QUOTE_CONTEXT_CHARS = 240;

/** A verified quote (`text`, as the section has it) with its surroundings, as a question keeps it. */
export type QuoteInContext = { text: string; before: string; after: string; cutBefore: boolean; cutAfter: boolean };

/**
 * What supports a question the model wrote from `section`: its quote, found in
 * the section (`findQuote`) and kept with its context; else, if the model
 * labelled it so, general knowledge; else nothing (the question is not kept).
 * A quote that is not in the section never makes a question sourced.
 */
export function questionSupport(
  claim: { quote?: string | undefined; generalKnowledge?: boolean | undefined },
  section: string,
): { quote: QuoteInContext } | { generalKnowledge: true } | null {
  const match = claim.quote ? findQuote(section, claim.quote) : null;
  if (match) {
    const { quote, ...context } = quoteInContext(section, match, QUOTE_CONTEXT_CHARS);
    return { quote: { text: quote, ...context } };
  }
  return claim.generalKnowledge === true ? { generalKnowledge: true } : null;
}
