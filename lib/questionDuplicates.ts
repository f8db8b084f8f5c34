/**
 * Does a question ask what one the learner already owns asks? Pure: the fact a question
 * tests (its content words and its answer, canonicalised), MinHash band keys to find
 * candidates through an index, and the finer judgement on a candidate.
 *
 * How a collection is searched: each owned question is stored under its
 * `DUPLICATE_BAND_COUNT` band keys (`duplicateBandKeys`); a new question's keys are looked up
 * (one indexed equality read per key), and only the questions found are judged
 * (`findDuplicateQuestion`). `DuplicateIndex` does the same in memory.
 */
import type { GeneratedQuestion } from "./validators";
import {
  canonicalCharacters,
  isCloseForm,
  normalizeText,
  numberValue,
  STOP_WORDS,
  stemOf,
  wordsOf,
} from "./questionText";

/** The fields of a question the duplicate finder reads. */
export type ComparableQuestion = Pick<GeneratedQuestion, "question" | "type" | "correctAnswer">;

/** The fact a question tests, as canonical terms (stems). */
export type QuestionFacts = {
  /** Terms of the question's text. */
  stem: readonly string[];
  /** Terms of the correct answer (none for true/false: the statement is the fact). */
  answer: readonly string[];
  /** Both, as one set. */
  all: readonly string[];
  /** Numbers in the question or the answer ("six" counts as "6"). */
  numbers: readonly string[];
  /** Words that tell apart questions on the same subject: ordinals, superlatives, directions. */
  markers: readonly string[];
  /** The names it mentions (`namesOf`), with a multiple-choice question's answer terms. */
  names: readonly string[];
  /** A true/false statement (its answer is its truth, not a term). */
  statement: boolean;
};

// ── Canonical terms ─────────────────────────────────────────────────────────

/** Phrases that say one thing several ways, rewritten to one token before splitting into words. */
const PHRASES: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:world war (?:ii|2|two)|second world war|wwii|ww2)\b/g, " ww2 "],
  [/\b(?:world war (?:i|1|one)|first world war|great war|wwi|ww1)\b/g, " ww1 "],
  [/\b(?:the )?(?:united states of america|united states|u\.s\.a\.?|usa|u\.s\.)(?![\p{L}])/gu, " usa "],
  [/\b(?:united kingdom|great britain|britain|british|u\.k\.|uk)\b/g, " uk "],
  [/\blast[- ]in,? first[- ]out\b|\blifo\b/g, " lifo "],
  [/\bfirst[- ]in,? first[- ]out\b|\bfifo\b/g, " fifo "],
  [/\b(?:is short for|short for|stands? for|abbreviation (?:of|for)|abbreviated|acronym (?:of|for))\b/g, " standfor "],
  [/\b(?:takes?|took|taken|taking) in\b/g, " absorb "],
  [/\b(?:set|sets|setting) foot on\b|\bstep(?:ped)? on(?:to)?\b/g, " walk on "],
  [/\bhow do you say\b/g, " "],
];

/** Irregular verb forms and synonyms, as one canonical word (before stemming). */
const CANONICAL_WORDS: Readonly<Record<string, string>> = {
  ...forms("write", "wrote written writes writing author authored writer playwright novelist poet penned"),
  ...forms("paint", "painted painter painting"),
  ...forms("invent", "invented inventor invention"),
  ...forms("discover", "discovered discoverer discovery"),
  ...forms("found", "founded founder"),
  ...forms("compose", "composed composer"),
  ...forms("propose", "proposed develop developed formulate formulated devise devised"),
  ...forms("largest", "biggest"),
  ...forms("tallest", "highest"),
  ...forms("closest", "nearest innermost"),
  ...forms("farthest", "furthest outermost"),
  ...forms("smallest", "tiniest"),
  ...forms("last", "final"),
  ...forms("earth", "world"),
  ...forms("begin", "began begun"),
  ...forms("fall", "fell fallen"),
  ...forms("fight", "fought"),
  ...forms("win", "won"),
  ...forms("lead", "led"),
  ...forms("build", "built"),
  ...forms("make", "made"),
  ...forms("take", "took taken"),
  ...forms("give", "gave given"),
  ...forms("see", "saw seen"),
  ...forms("become", "became"),
  ...forms("go", "went gone"),
  ...forms("come", "came"),
  ...forms("fly", "flew flown"),
  ...forms("eat", "ate eaten"),
  ...forms("draw", "drew drawn"),
  ...forms("hold", "held"),
  ...forms("know", "knew"),
  ...forms("speak", "spoke spoken"),
  ...forms("sink", "sank sunk"),
  ...forms("bring", "brought"),
  ...forms("teach", "taught"),
  ...forms("think", "thought"),
  ...forms("freeze", "froze frozen"),
  ...forms("grow", "grew grown"),
  ...forms("rise", "rose risen"),
  ...forms("break", "broke broken"),
  ...forms("choose", "chose chosen"),
  ...forms("drive", "drove driven"),
  ...forms("sing", "sang sung"),
  ...forms("swim", "swam swum"),
  ...forms("run", "ran"),
  ...forms("lose", "lost"),
  ...forms("send", "sent"),
  ...forms("spend", "spent"),
  ...forms("mean", "meant meaning means"),
  ...forms("die", "died death"),
  ...forms("bear", "born birth"),
};

function forms(canonical: string, words: string): Record<string, string> {
  return Object.fromEntries(words.split(" ").map((word) => [word, canonical]));
}

/** Words that say what kind of thing the answer is ("which city", "which scientist"), not the fact. */
const ANSWER_KIND_WORDS: ReadonlySet<string> = new Set(
  (
    "city country person people man woman scientist naturalist artist inventor element word year date " +
    "type kind sort thing something someone use used located situated nicknamed nickname dubbed say " +
    "serve served main"
  ).split(" "),
);

/** Ordinals, superlatives and directions: two questions that differ in one ask different things. */
const MARKER_WORDS: ReadonlySet<string> = new Set(
  (
    "first second third fourth fifth sixth seventh eighth ninth tenth last largest smallest longest " +
    "shortest tallest lowest closest farthest fastest slowest oldest youngest newest hottest coldest " +
    "deepest heaviest lightest brightest most least north south east west northern southern eastern " +
    "western before after maximum minimum inner outer"
  ).split(" "),
);

/** The canonical terms of a text, with its numbers and markers. */
function termsOf(text: string): { terms: string[]; numbers: string[]; markers: string[] } {
  let normalized = normalizeText(text);
  for (const [pattern, replacement] of PHRASES) normalized = normalized.replace(pattern, replacement);
  const terms: string[] = [];
  const numbers: string[] = [];
  const markers: string[] = [];
  for (const raw of wordsOf(normalized)) {
    const word = CANONICAL_WORDS[raw] ?? raw;
    const number = numberValue(word);
    if (number !== null) {
      numbers.push(number);
      terms.push(number);
      continue;
    }
    if (MARKER_WORDS.has(word)) markers.push(word);
    if (STOP_WORDS.has(word) && !MARKER_WORDS.has(word)) continue;
    if (ANSWER_KIND_WORDS.has(word) || word.length < 2) continue;
    terms.push(stemOf(word));
  }
  return { terms, numbers, markers };
}

/** The fact a question tests: what `duplicateBandKeys` hashes and `questionSimilarity` compares. */
export function questionFacts(question: ComparableQuestion): QuestionFacts {
  const stem = termsOf(question.question);
  const answer =
    question.type === "true-false" ? { terms: [], numbers: [], markers: [] } : termsOf(question.correctAnswer);
  return {
    stem: unique(stem.terms),
    answer: unique(answer.terms),
    all: unique([...stem.terms, ...answer.terms]),
    numbers: unique([...stem.numbers, ...answer.numbers]),
    markers: unique([...stem.markers, ...answer.markers]),
    names: unique([...namesOf(question.question), ...answer.terms]),
    statement: question.type === "true-false",
  };
}

/**
 * The names a text mentions, as canonical terms: quoted words, and runs of capitalised words
 * that do not start a sentence ("NATO", "United States" → "usa"); a capital letter on its own
 * ("the letter J") is a name too. Two statements made from one template ("'Juliett' is the
 * code word for J", "'Charlie' is the code word for C") differ in little but their names.
 */
function namesOf(text: string): string[] {
  const names: string[] = [];
  const add = (run: string) => {
    const terms = termsOf(run).terms;
    if (terms.length > 0) names.push(...terms);
    else if (/^\p{Lu}$/u.test(run.trim())) names.push(run.trim().toLowerCase());
  };
  const canonical = canonicalCharacters(text);
  for (const quoted of canonical.matchAll(/"([^"]+)"/g)) add(quoted[1]!);
  let run: string[] = [];
  let sentenceStart = true;
  for (const token of canonical.replace(/"[^"]*"/g, " ").matchAll(/[\p{L}\p{N}][\p{L}\p{N}'-]*|[.!?]/gu)) {
    const word = token[0];
    const capitalised = /^\p{Lu}/u.test(word);
    if (capitalised && !sentenceStart) run.push(word);
    else if (run.length > 0) {
      add(run.join(" "));
      run = [];
    }
    sentenceStart = /^[.!?]$/.test(word);
  }
  if (run.length > 0) add(run.join(" "));
  return unique(names);
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

// ── Band keys (MinHash LSH) ─────────────────────────────────────────────────

/** Changes whenever `questionFacts` or the hashing changes, so keys stored before never match keys made after. */
export const DUPLICATE_SIGNATURE_VERSION = 1;
/** MinHash values per band: two questions share a band only if all agree (rarely by chance). */
export const ROWS_PER_BAND = 2;
/**
 * Bands per question, so index reads per lookup. Two questions sharing a fraction J of their
 * terms share at least one band with probability 1 − (1 − J²)^bands: 0.91 at J = 0.4 with 16.
 */
export const DUPLICATE_BAND_COUNT = 16;

const HASH_COUNT = ROWS_PER_BAND * DUPLICATE_BAND_COUNT;
const SEEDS = Array.from({ length: HASH_COUNT }, (_, i) => mix32(0x9e3779b9 ^ Math.imul(i + 1, 0x85ebca6b)));

/** FNV-1a over the UTF-16 units of a term. */
function hashTerm(term: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) hash = Math.imul(hash ^ term.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** MurmurHash3's finaliser: every input bit moves every output bit. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The question's LSH band keys: `DUPLICATE_BAND_COUNT` short strings ("1.7.2k9x0f"), one per
 * band, each the hash of `ROWS_PER_BAND` MinHash values of its fact's terms. Two questions
 * that ask the same thing almost always share a key; two unrelated ones almost never do.
 * Empty for a question with no content words. Deterministic across runtimes and versions of
 * this file with the same `DUPLICATE_SIGNATURE_VERSION`.
 */
export function duplicateBandKeys(question: ComparableQuestion | QuestionFacts): string[] {
  const facts = "all" in question ? question : questionFacts(question);
  if (facts.all.length === 0) return [];
  const mins = new Array<number>(HASH_COUNT).fill(0xffffffff);
  for (const term of facts.all) {
    const base = hashTerm(term);
    for (let i = 0; i < HASH_COUNT; i++) {
      const value = mix32(base ^ SEEDS[i]!);
      if (value < mins[i]!) mins[i] = value;
    }
  }
  const keys: string[] = [];
  for (let band = 0; band < DUPLICATE_BAND_COUNT; band++) {
    let combined = band + 1;
    for (let row = 0; row < ROWS_PER_BAND; row++)
      combined = mix32(Math.imul(combined, 31) ^ mins[band * ROWS_PER_BAND + row]!);
    keys.push(`${DUPLICATE_SIGNATURE_VERSION}.${band.toString(36)}.${combined.toString(36)}`);
  }
  return keys;
}

/**
 * Rows read under one band key at most. In a dense topic ("the Spanish word for ...") a key
 * made of the topic's own words is shared by hundreds of questions and says little; a true
 * duplicate shares most of its bands, some of them made of its rarer words, so it is still
 * found. Bounds a lookup to `DUPLICATE_BAND_COUNT` × this many rows.
 */
export const DUPLICATE_BAND_READ_LIMIT = 16;

/**
 * Candidates judged per lookup at most: those sharing the most band keys with the new question
 * (a true duplicate shares most of its bands; a question met under one crowded key rarely is
 * one). Each is one more read of a document, and Convex allows 4,096 index ranges read per
 * transaction, so a batch of `MAX_QUESTIONS` costs at most 50 × (16 + 16) of them.
 */
export const DUPLICATE_CANDIDATE_LIMIT = 16;

/**
 * The candidates of a lookup from what it read under each band key (`rowsPerKey`: the ids,
 * or questions, found under each key, in the order read): the ones under the most keys first
 * (ties: the first met), at most `limit`.
 */
export function mostSharedCandidates<T>(
  rowsPerKey: ReadonlyArray<readonly T[]>,
  limit = DUPLICATE_CANDIDATE_LIMIT,
): T[] {
  const shared = new Map<T, number>();
  for (const rows of rowsPerKey) for (const row of new Set(rows)) shared.set(row, (shared.get(row) ?? 0) + 1);
  // Map keeps insertion order, and the sort is stable: ties stay in the order first met.
  return [...shared.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([row]) => row);
}

// ── The judgement ───────────────────────────────────────────────────────────

/** Similarity at or above which two questions ask the same thing. */
export const DUPLICATE_SIMILARITY = 0.6;

/**
 * How alike two questions' facts are, from 0 (nothing in common, or something tells them
 * apart) to 1 (the same terms). Something tells them apart when their numbers differ
 * ("7 × 8" / "7 × 9"), their ordinals or superlatives differ ("first wife" / "last wife"), a
 * true/false statement and another question name different things (`namesDiffer`), or one's
 * answer is nowhere in the other ("capital of France: Paris" / "capital of Germany: Berlin":
 * see `answersAgree`). Otherwise it is the mean of the overlap of their question terms
 * without the answers (so "Who wrote 1984?" and "Who wrote Animal Farm?", both Orwell, stay
 * apart) and of their
 * whole facts. Symmetric.
 */
export function questionSimilarity(
  a: ComparableQuestion | QuestionFacts,
  b: ComparableQuestion | QuestionFacts,
): number {
  const factsA = "all" in a ? a : questionFacts(a);
  const factsB = "all" in b ? b : questionFacts(b);
  if (factsA.all.length === 0 || factsB.all.length === 0) return 0;
  if (setsDiffer(factsA.numbers, factsB.numbers)) return 0;
  if (setsDiffer(factsA.markers, factsB.markers)) return 0;
  if (namesDiffer(factsA, factsB)) return 0;
  if (!answersAgree(factsA, factsB)) return 0;
  const answers = new Set([...factsA.answer, ...factsB.answer]);
  const questionA = factsA.stem.filter((term) => !answers.has(term));
  const questionB = factsB.stem.filter((term) => !answers.has(term));
  return (jaccard(questionA, questionB) + jaccard(factsA.all, factsB.all)) / 2;
}

/** Whether `a` asks what `b` asks (`questionSimilarity` at least `DUPLICATE_SIMILARITY`). */
export function isDuplicateQuestion(
  a: ComparableQuestion | QuestionFacts,
  b: ComparableQuestion | QuestionFacts,
): boolean {
  return questionSimilarity(a, b) >= DUPLICATE_SIMILARITY;
}

/**
 * The candidate that `question` duplicates, the most similar one, or null. Candidates are
 * what a band-key lookup found (or a whole collection: the judgement is the same).
 */
export function findDuplicateQuestion<C extends ComparableQuestion>(
  question: ComparableQuestion,
  candidates: Iterable<C>,
): { duplicateOf: C; similarity: number } | null {
  const facts = questionFacts(question);
  let best: { duplicateOf: C; similarity: number } | null = null;
  for (const candidate of candidates) {
    const similarity = questionSimilarity(facts, questionFacts(candidate));
    if (similarity >= DUPLICATE_SIMILARITY && (best === null || similarity > best.similarity)) {
      best = { duplicateOf: candidate, similarity };
    }
  }
  return best;
}

/** Whether both sets have members and they are not the same. */
function setsDiffer(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  return a.length !== b.length || a.some((item) => !b.includes(item));
}

/**
 * Whether a true/false statement and another question are about different things: each names
 * something the other never mentions ("'Juliett' is the code word for J" / "'Charlie' is the
 * code word for C"; "'November' is the code word for P" / "Which code word stands for N?").
 * A statement's answer is its truth, so its names play the part an answer plays.
 */
function namesDiffer(a: QuestionFacts, b: QuestionFacts): boolean {
  if (!a.statement && !b.statement) return false;
  const namesOnlyIn = (x: QuestionFacts, y: QuestionFacts) =>
    x.names.some((name) => !y.names.includes(name) && !y.all.some((term) => isCloseForm(term, name)));
  return namesOnlyIn(a, b) && namesOnlyIn(b, a);
}

/**
 * Whether two questions' answers can be the same fact: each answer lies within the other's
 * whole fact ("Au" within "What is the symbol for gold?", "Gold" within "Which element has
 * the symbol Au?"; against a true/false statement, the other answer lies within the
 * statement), or one answer is part of the other ("Shakespeare", "William Shakespeare").
 */
function answersAgree(a: QuestionFacts, b: QuestionFacts): boolean {
  const aWithinB = covers(b.all, a.answer);
  const bWithinA = covers(a.all, b.answer);
  if (aWithinB && bWithinA) return true;
  // One answer is part of the other ("Shakespeare", "William Shakespeare"), not merely a word of its question.
  const overlap = a.answer.some((term) => b.answer.some((other) => isCloseForm(other, term)));
  return overlap && (aWithinB || bWithinA);
}

/** Whether every answer term has a close form among `terms`. */
function covers(terms: readonly string[], answer: readonly string[]): boolean {
  return answer.every((term) => terms.some((other) => isCloseForm(other, term)));
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const setB = new Set(b);
  let shared = 0;
  for (const item of new Set(a)) if (setB.has(item)) shared++;
  return shared / (new Set(a).size + setB.size - shared);
}

// ── In memory ───────────────────────────────────────────────────────────────

/**
 * A collection searchable by band key, in memory: what a table with one row per
 * (owner, band key) and an index on it does in the database. For the `check-questions` CLI
 * and the benchmark.
 */
export class DuplicateIndex<C extends ComparableQuestion> {
  private readonly byKey = new Map<string, C[]>();
  private readonly facts = new Map<C, QuestionFacts>();

  /** Adds a question to the collection. */
  add(question: C): void {
    const facts = questionFacts(question);
    this.facts.set(question, facts);
    for (const key of duplicateBandKeys(facts)) {
      const bucket = this.byKey.get(key);
      if (bucket) bucket.push(question);
      else this.byKey.set(key, [question]);
    }
  }

  /**
   * The questions a lookup judges, as the database's would: under each of the question's band
   * keys, the first `readLimit` added (what `take` on the index returns); of those, the
   * `DUPLICATE_CANDIDATE_LIMIT` sharing the most keys with it (`mostSharedCandidates`).
   */
  candidates(question: ComparableQuestion | QuestionFacts, readLimit = DUPLICATE_BAND_READ_LIMIT): C[] {
    return mostSharedCandidates(
      duplicateBandKeys(question).map((key) => (this.byKey.get(key) ?? []).slice(0, readLimit)),
    );
  }

  /** The owned question that `question` duplicates, or null (`findDuplicateQuestion` over the candidates). */
  findDuplicate(
    question: ComparableQuestion,
    skip?: (candidate: C) => boolean,
  ): { duplicateOf: C; similarity: number } | null {
    const facts = questionFacts(question);
    let best: { duplicateOf: C; similarity: number } | null = null;
    for (const candidate of this.candidates(facts)) {
      if (skip?.(candidate)) continue;
      const similarity = questionSimilarity(facts, this.facts.get(candidate)!);
      if (similarity >= DUPLICATE_SIMILARITY && (best === null || similarity > best.similarity)) {
        best = { duplicateOf: candidate, similarity };
      }
    }
    return best;
  }
}
