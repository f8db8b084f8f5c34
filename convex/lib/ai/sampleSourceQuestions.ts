/**
 * The offline sample model's questions from a section of a learner's material:
 * written from the section's own sentences, each with that sentence as its
 * quote (word for word, so it verifies), so a job over a source runs its whole
 * path with no network. Questions are "which word completes this sentence"
 * (the distractors are other words of the section) and true/false statements
 * (the sentence as written, or with one word swapped); a blank is one the
 * quality gate finds no flaw in (not a word the rest of the sentence gives away).
 * Deterministic: the same section, count and avoid list give the same questions.
 */
import { SOURCE_CONFIG } from "../../../lib/constants/sources";
import { findQuestionFlaws } from "../../../lib/questionFlaws";
import type { GeneratedQuestion } from "../../../lib/validators";

export const SAMPLE_SOURCE_NOTE =
  "(Sample question from the offline model, built from a sentence of your material: set GOOGLE_GENERATIVE_AI_API_KEY for real ones.)";

/** Sentences the sample model writes from: long enough to ask about, short enough to quote. */
const MIN_SENTENCE_CHARS = 40;
const MAX_SENTENCE_CHARS = Math.min(400, SOURCE_CONFIG.MAX_QUOTE_CHARS);
const MIN_KEY_WORD_LENGTH = 5;
const BLANK = "_____";

const STOP_WORDS = new Set(
  (
    "about above after again against because before being below between could doing during every further " +
    "having other their there these those through under until where which while would should might never " +
    "often always still though although within without whose whom whether either neither another around " +
    "among since toward towards upon into onto than then them they this that with from have were what when"
  ).split(" "),
);

/** `count` questions from `section`'s sentences, none of them in `avoid`, each quoting its sentence. */
export function sampleSourceQuestions(
  section: string,
  count: number,
  avoid: readonly string[] = [],
): GeneratedQuestion[] {
  const sentences = sentencesOf(section);
  if (sentences.length === 0 || count <= 0) return [];
  const vocabulary = contentWords(section);
  const seen = new Set(avoid);
  const result: GeneratedQuestion[] = [];
  // Each round takes every sentence once, spread through the section; the kind of question alternates by round.
  const n = sentences.length;
  const stride = [7, 5, 3, 1].find((s) => n % s !== 0 || s === 1)!;
  for (let round = 0; result.length < count && round < 6; round++) {
    for (let i = 0; i < n && result.length < count; i++) {
      const sentence = sentences[(i * stride + round) % n]!;
      const question = questionFrom(sentence, vocabulary, i + round, round);
      if (question === null || seen.has(question.question)) continue;
      seen.add(question.question);
      result.push(question);
    }
  }
  return result;
}

/** The section's sentences, verbatim (line breaks inside them kept), outside headings, code and tables. */
export function sentencesOf(section: string): string[] {
  const sentences: string[] = [];
  for (const paragraph of section.split(/\n[ \t]*\n|\f/)) {
    const text = paragraph.trim();
    if (/^(#|```|~~~|\||>)/.test(text) || text.length < MIN_SENTENCE_CHARS) continue;
    for (const match of text.matchAll(/[^.!?]+[.!?]+["'”’)]*/g)) {
      const sentence = match[0].trim();
      if (sentence.length < MIN_SENTENCE_CHARS || sentence.length > MAX_SENTENCE_CHARS) continue;
      if (!/^[\p{Lu}\p{N}“"(]/u.test(sentence) || sentence.split(/\s+/).length < 6) continue;
      sentences.push(sentence);
    }
  }
  return sentences;
}

function questionFrom(
  sentence: string,
  vocabulary: readonly string[],
  seed: number,
  round: number,
): GeneratedQuestion | null {
  const keys = keyWords(sentence);
  if (keys.length === 0) return null;
  const lower = sentence.toLowerCase();
  const distractorsFor = (key: string) =>
    pick(
      vocabulary.filter((word) => !lower.includes(word.toLowerCase()) && Math.abs(word.length - key.length) <= 3),
      3,
      seed,
    );
  const shown = oneLine(sentence);
  const note = SAMPLE_SOURCE_NOTE;
  const base = { quote: sentence, generalKnowledge: false };
  const suffix = round >= 2 ? ` (set ${Math.floor(round / 2) + 1})` : "";
  if (round % 2 === 0) {
    for (const key of keys) {
      const distractors = distractorsFor(key);
      if (distractors.length < 3) continue;
      const question: GeneratedQuestion = {
        question: `Which word completes this sentence from the material: “${replaceWord(shown, key, BLANK)}”${suffix}`,
        type: "multiple-choice",
        options: rotate([key, ...distractors], seed),
        correctAnswer: key,
        explanation: `The material says: “${shown}” ${note}`,
        difficulty: key.length > 9 ? "hard" : "medium",
        ...base,
      };
      // A blank the quality gate would flag (its word shows elsewhere in the sentence, "a _____" before a vowel):
      // the next word.
      if (findQuestionFlaws(question).length === 0) return question;
    }
  }
  const key = keys[0]!;
  const swapped = distractorsFor(key)[0];
  const truthful = swapped === undefined || seed % 3 !== 1;
  const statement = truthful ? shown : replaceWord(shown, key, swapped);
  return {
    question: `True or false, according to the material: “${statement}”${suffix}`,
    type: "true-false",
    options: ["True", "False"],
    correctAnswer: truthful ? "True" : "False",
    explanation: truthful
      ? `The material says exactly this. ${note}`
      : `The material says “${key}”, not “${swapped}”: “${shown}” ${note}`,
    difficulty: "easy",
    ...base,
  };
}

/** The sentence's content words (letters only, not common words), longest first, each once. */
function keyWords(sentence: string): string[] {
  const words = new Set<string>();
  for (const [word] of sentence.matchAll(/\p{L}+/gu))
    if (word.length >= MIN_KEY_WORD_LENGTH && !STOP_WORDS.has(word.toLowerCase())) words.add(word);
  return [...words].sort((a, b) => b.length - a.length);
}

/** The section's distinct content words, in order of first use. */
function contentWords(section: string): string[] {
  const words = new Map<string, string>();
  for (const [word] of section.matchAll(/\p{L}+/gu)) {
    const lower = word.toLowerCase();
    if (word.length >= MIN_KEY_WORD_LENGTH && !STOP_WORDS.has(lower) && !words.has(lower)) words.set(lower, word);
  }
  return [...words.values()];
}

/** `count` items of `items`, spread through them from a place chosen by `seed`. */
function pick<T>(items: readonly T[], count: number, seed: number): T[] {
  if (items.length <= count) return [...items];
  const step = Math.floor(items.length / count);
  return Array.from({ length: count }, (_, i) => items[(seed * 5 + i * step) % items.length]!);
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const n = by % items.length;
  return [...items.slice(n), ...items.slice(0, n)];
}

/** The first whole-word `word` in `text` replaced by `by`. */
function replaceWord(text: string, word: string, by: string): string {
  return text.replace(new RegExp(`(?<!\\p{L})${word}(?!\\p{L})`, "u"), by);
}

/** A sentence on one line, as a question shows it: a PDF's line-end hyphens joined, breaks made spaces. */
function oneLine(text: string): string {
  return text
    .replace(/-[ \t]*\n\s*(?=\p{Ll})/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}
