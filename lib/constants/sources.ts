/**
 * Limits of a learner's own material (a "source": pasted notes, a Markdown or
 * text file, a PDF's text), in one place: read by the browser (refusals before
 * any upload), by `convex/sources.ts` (the authority) and by the sectioning and
 * quote checks of `lib/`. Each value says why it is what it is.
 *
 * Lengths are in characters as JavaScript counts them (UTF-16 code units).
 */

const MINUTE = 60 * 1000;
const KIB = 1024;
const MIB = 1024 * KIB;

export const SOURCE_CONFIG = {
  // ── One source ───────────────────────────────────────────────────────────
  /** Longest source text. A page of dense prose is about 3,000 characters, so
   * a 100-page PDF's text is about 300,000: this leaves room for 150 pages. */
  MAX_SOURCE_CHARS: 500_000,
  /** Shortest source worth a job: a few sentences (`MIN_QUESTIONS` questions
   * need something to ask about). Less is refused as too short. */
  MIN_SOURCE_CHARS: 200,
  /** Largest file the browser opens. A PDF's bytes are mostly images and fonts,
   * so this is far above the text limit: a 100-page slide deck with pictures
   * runs to tens of MB. Its text must still fit `MAX_SOURCE_CHARS`. */
  MAX_FILE_BYTES: 50 * MIB,
  /** Longest name kept for a source (a file name, or the first line of pasted text). */
  MAX_SOURCE_NAME_LENGTH: 120,

  // ── Storing it (Convex: 1 MiB per document, 16 MiB per function's arguments) ──
  /** Characters per stored chunk (`sourceChunks`). UTF-8 takes at most 3 bytes
   * per UTF-16 code unit, so a chunk is at most 300 KB: well inside a document's
   * 1 MiB, and a whole source is at most `ceil(MAX_SOURCE_CHARS / SOURCE_CHUNK_CHARS)` chunks. */
  SOURCE_CHUNK_CHARS: 100_000,
  /** Chunks sent per upload call: at most 600 KB of arguments, so a call is
   * quick to retry on a slow connection and far inside the 16 MiB argument limit. */
  SOURCE_CHUNKS_PER_CALL: 2,
  /** Sources one user may keep (ready or being uploaded); each is at most
   * `MAX_SOURCE_CHARS`, so this bounds a user's storage at about 150 MB. */
  MAX_SOURCES_PER_USER: 100,
  /** Sources listed in the picker, most recently used first. */
  MAX_SOURCES_LISTED: 50,
  /** An upload not finished within this long is deleted (the tab was closed
   * midway); it was never usable, so nothing is lost. */
  SOURCE_DRAFT_TTL_MS: 60 * MINUTE,

  // ── Sections: what one model call sees ───────────────────────────────────
  /** Longest section: about 3,000 tokens, so a section plus the instructions and
   * the questions written about it fit even an 8k-token local model's context. */
  MAX_SECTION_CHARS: 12_000,
  /** Shortest section kept on its own: a heading with a paragraph or two.
   * Smaller ones join a neighbour. */
  MIN_SECTION_CHARS: 1_000,
  /** Longest heading kept as a section's place. */
  MAX_HEADING_LENGTH: 120,
  /** The Generate form suggests a question per this many characters of material (a long paragraph or
   * two: a fact worth asking about), within `MIN_QUESTIONS`..`MAX_QUESTIONS`; the learner can change it. */
  CHARS_PER_SUGGESTED_QUESTION: 1_500,

  // ── Quotes: the verbatim support of a question's answer ──────────────────
  /** Shortest quote that counts as support: a phrase, not a word or two
   * (counted in letters and digits, after folding case, spaces and punctuation). */
  MIN_QUOTE_CHARS: 20,
  /** Longest quote: a sentence or three, not a paragraph copied whole. */
  MAX_QUOTE_CHARS: 600,
  /** Most characters of the section an ellipsis ("…", "...") in a quote may stand for. */
  MAX_QUOTE_ELISION_CHARS: 400,
} as const;

/** Most sections a source can have: each holds at least `MIN_SECTION_CHARS`
 * (`sectionSource`), so this bounds the rows `convex/sources.ts` writes. */
export const MAX_SECTIONS = Math.ceil(SOURCE_CONFIG.MAX_SOURCE_CHARS / SOURCE_CONFIG.MIN_SECTION_CHARS) + 1;

/** Most chunks a source can have (a chunk may be one short, so as not to split a surrogate pair). */
export const MAX_SOURCE_CHUNKS = Math.ceil(SOURCE_CONFIG.MAX_SOURCE_CHARS / (SOURCE_CONFIG.SOURCE_CHUNK_CHARS - 1));
