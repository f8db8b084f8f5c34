/**
 * Words of a question's text, for the item-writing checks (`lib/questionFlaws.ts`) and the
 * duplicate finder (`lib/questionDuplicates.ts`): normalising, tokenising, stop words, Porter
 * stems and "close forms" of a word. Pure and English-only: the checks are rules on English text.
 */
import { stemmer } from "stemmer";

/** The text with one spelling of each character: NFKC (so "H₂O" is "H2O"), straight quotes, plain hyphens. */
export function canonicalCharacters(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[‘’ʼ´]/g, "'")
    .replace(/[“”„«»]/g, '"')
    .replace(/[‐‑‒–—−]/g, "-");
}

/** `canonicalCharacters`, in lower case. */
export function normalizeText(text: string): string {
  return canonicalCharacters(text).toLowerCase();
}

/**
 * The words of a text, in order: runs of letters and digits ("don't" and "o'clock" stay
 * whole; a possessive "'s" is dropped; "300,000" and "3.14" are one number). Lower case.
 */
export function wordsOf(text: string): string[] {
  const words: string[] = [];
  for (const match of normalizeText(text).matchAll(/[\p{L}\p{N}]+(?:['.,][\p{L}\p{N}]+)*/gu)) {
    let word = match[0];
    // "3.14" and "300,000" are numbers; elsewhere "." and "," end the word ("D.C." → "d", "c").
    if (!/^\d+(?:[.,]\d+)*$/.test(word)) {
      for (const part of word.split(/[.,]/)) pushWord(words, part);
      continue;
    }
    word = word.replace(/,(?=\d{3}\b)/g, "");
    words.push(word);
  }
  return words;
}

function pushWord(words: string[], word: string): void {
  const bare = word.replace(/'s$/, "").replace(/'$/, "");
  if (bare.length > 0) words.push(bare);
}

/**
 * Words that carry no subject matter: function words, and the vocabulary of asking
 * ("which", "following", "called", "name"). A word of a question that is not one of these
 * is a content word.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a an the and or nor but if then than that this these those there here of in on at by for from to into onto " +
    "up down out off over under through again further once " +
    "with without within about as is are was were be been being am do does did doing done has have had having " +
    "it its it's they them their theirs he him his she her hers we us our you your yours i me my mine " +
    "who whom whose which what when where why how whether " +
    "can could would should will shall may might must also so such very too just not no yes " +
    "some any each other another more most much many few one's own same both either neither all none " +
    "following follows below above called call calls known name named names term termed refer refers " +
    "referred describe describes described best true false statement statements option options answer " +
    "answers question correct incorrect choose select pick example examples word words"
  ).split(" "),
);

/** A word that carries subject matter (not a stop word), or a number. */
export function isContentWord(word: string): boolean {
  return !STOP_WORDS.has(word) && (word.length > 1 || /\d/.test(word));
}

const stems = new Map<string, string>();

/** The word's Porter stem ("condenses" and "condensation" → "condens"), cached. Numbers are their own stem. */
export function stemOf(word: string): string {
  let stem = stems.get(word);
  if (stem === undefined) {
    stem = /\d/.test(word) ? word : stemmer(word);
    if (stems.size > 50_000) stems.clear();
    stems.set(word, stem);
  }
  return stem;
}

/** Shortest shared beginning that makes two words close forms of each other, in letters. */
const MIN_SHARED_PREFIX = 5;
/** ...and the share of the longer word it must cover ("india"/"indian", not "const"/"constant"). */
const MIN_SHARED_PREFIX_SHARE = 0.75;

/**
 * Whether two words are the same word or close forms of it: equal, the same Porter stem
 * ("arterial"/"arteries"), or a long shared beginning ("mitochondrion"/"mitochondria").
 * Whole words only: "knot" is not "not", "another" is not "other". Numbers only equal themselves.
 */
export function isCloseForm(a: string, b: string): boolean {
  if (a === b) return true;
  if (/\d/.test(a) || /\d/.test(b)) return false;
  if (stemOf(a) === stemOf(b)) return true;
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
  return shared >= MIN_SHARED_PREFIX && shared >= MIN_SHARED_PREFIX_SHARE * Math.max(a.length, b.length);
}

/** Whether any of `words` is a close form of `word`. */
export function hasCloseForm(words: readonly string[], word: string): boolean {
  return words.some((other) => isCloseForm(other, word));
}

/**
 * The text without the words it quotes: "What does 'a veces' mean?" uses "a veces" as a
 * word under discussion, not as a qualifier of the question. Apostrophes inside words
 * ("Earth's", "don't") are not quotes. Case is kept (`canonicalCharacters`).
 */
export function withoutQuotedWords(text: string): string {
  return canonicalCharacters(text)
    .replace(/"[^"]*"/g, " ")
    .replace(/(^|[^\p{L}\p{N}])'[^']*'(?![\p{L}\p{N}])/gu, "$1 ")
    .replace(/`[^`]*`/g, " ");
}

/** Number words a question may spell out, as digits. */
export const NUMBER_WORDS: Readonly<Record<string, string>> = {
  zero: "0",
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
  ten: "10",
  eleven: "11",
  twelve: "12",
  thirteen: "13",
  fourteen: "14",
  fifteen: "15",
  sixteen: "16",
  seventeen: "17",
  eighteen: "18",
  nineteen: "19",
  twenty: "20",
  thirty: "30",
  forty: "40",
  fifty: "50",
  hundred: "100",
  thousand: "1000",
};

/** The number a word spells ("six" → "6", "0.50" → "0.5"), or null when it is not a number. */
export function numberValue(word: string): string | null {
  if (NUMBER_WORDS[word] !== undefined) return NUMBER_WORDS[word];
  if (!/^-?\d+(?:\.\d+)?$/.test(word)) return null;
  return String(Number(word));
}
