/**
 * Item-writing flaws of a question: the rules, their severity and a reason a learner can
 * read. Pure (no database, no model call): the job's gate, the edit dialog and
 * `npm run check-questions` all run `findQuestionFlaws`.
 */
import { findDuplicateQuestion, type ComparableQuestion } from "./questionDuplicates";
import {
  canonicalCharacters,
  hasCloseForm,
  isContentWord,
  normalizeText,
  numberValue,
  withoutQuotedWords,
  wordsOf,
} from "./questionText";
import { QUESTION_FLAW_CODES, type FlawNote, type GeneratedQuestion, type QuestionFlawCode } from "./validators";

/** The fields of a question the checker reads (a stored question has them all). */
export type CheckableQuestion = Pick<
  GeneratedQuestion,
  "question" | "type" | "options" | "correctAnswer" | "explanation"
>;

/** Severe flaws make a question not worth learning (the job rewrites or drops it); mild ones are advice. */
export type FlawSeverity = "severe" | "mild";

export const FLAW_SEVERITY: Readonly<Record<QuestionFlawCode, FlawSeverity>> = {
  ANSWER_IN_STEM: "severe",
  LONGEST_ANSWER: "severe",
  ALL_OR_NONE_OF_THE_ABOVE: "severe",
  NEGATIVE_STEM: "mild",
  ABSOLUTE_TERMS: "mild",
  GRAMMAR_CUE: "mild",
  DUPLICATE_OPTIONS: "severe",
  VAGUE_TERMS: "mild",
  EXPLANATION_MISMATCH: "severe",
  DUPLICATE_QUESTION: "severe",
};

export type QuestionFlaw = {
  code: QuestionFlawCode;
  severity: FlawSeverity;
  /** What is wrong, in words a learner can act on ("The question gives the answer away: ..."). */
  reason: string;
};

/**
 * The flaws of a question, in `QUESTION_FLAW_CODES` order, each at most once; empty for a
 * good question. `DUPLICATE_QUESTION` is judged against `owned`: the learner's questions
 * that may be the same (a band-key lookup's candidates, see `lib/questionDuplicates.ts`, or a
 * whole collection); without it, never. The question is expected to be usable (its answer
 * one of its options, as `normalizeQuestion` guarantees); rules about options skip a
 * question whose answer is not among them.
 */
export function findQuestionFlaws(
  question: CheckableQuestion,
  { owned }: { owned?: Iterable<ComparableQuestion> } = {},
): QuestionFlaw[] {
  const reasons = new Map<QuestionFlawCode, string>();
  const note = (code: QuestionFlawCode, reason: string | null) => {
    if (reason !== null && !reasons.has(code)) reasons.set(code, reason);
  };
  const parts = partsOf(question);
  if (parts) {
    note("ANSWER_IN_STEM", answerInStem(question, parts));
    note("LONGEST_ANSWER", longestAnswer(parts));
    note("ALL_OR_NONE_OF_THE_ABOVE", allOrNone(parts));
    note("ABSOLUTE_TERMS", absoluteTerms(question, parts));
    note("GRAMMAR_CUE", grammarCue(question, parts));
    note("DUPLICATE_OPTIONS", duplicateOptions(parts));
  }
  note("NEGATIVE_STEM", negativeStem(question));
  note("VAGUE_TERMS", vagueTerms(question));
  note("EXPLANATION_MISMATCH", explanationMismatch(question, parts));
  if (owned) {
    const duplicate = findDuplicateQuestion(question, owned);
    if (duplicate) note("DUPLICATE_QUESTION", duplicateQuestionReason(duplicate.duplicateOf));
  }
  return QUESTION_FLAW_CODES.filter((code) => reasons.has(code)).map((code) => ({
    code,
    severity: FLAW_SEVERITY[code],
    reason: reasons.get(code)!,
  }));
}

/** The reason given for `DUPLICATE_QUESTION`, naming the question already owned. */
export function duplicateQuestionReason(duplicateOf: Pick<CheckableQuestion, "question">): string {
  return `You already have a question that asks this: "${duplicateOf.question}"`;
}

/** Whether a flaw keeps a question out of the learner's collection. */
export function isSevereFlaw(flaw: QuestionFlaw | QuestionFlawCode): boolean {
  return FLAW_SEVERITY[typeof flaw === "string" ? flaw : flaw.code] === "severe";
}

/**
 * The quality gate's verdict on a question's flaws: `rejected` with its severe flaws (it is
 * not saved), or kept with its mild ones as `advice` (saved, marked "Needs a look" when any).
 */
export function gateVerdict(flaws: readonly QuestionFlaw[]): { rejected: FlawNote[] } | { advice: FlawNote[] } {
  const note = ({ code, reason }: QuestionFlaw): FlawNote => ({ code, reason });
  const severe = flaws.filter(isSevereFlaw);
  return severe.length > 0 ? { rejected: severe.map(note) } : { advice: flaws.map(note) };
}

// ── The options ─────────────────────────────────────────────────────────────

/** A multiple-choice question's correct option and distractors, or null (true/false, or no such answer). */
type OptionParts = { correct: string; distractors: string[]; options: string[] };

function partsOf(question: CheckableQuestion): OptionParts | null {
  if (question.type !== "multiple-choice") return null;
  const options = question.options.map((option) => option.trim()).filter((option) => option.length > 0);
  const key = question.correctAnswer.trim().toLowerCase();
  const index = options.findIndex((option) => option.toLowerCase() === key);
  if (index < 0) return null;
  return { correct: options[index]!, distractors: options.filter((_, i) => i !== index), options };
}

// ── ANSWER_IN_STEM ──────────────────────────────────────────────────────────

/** A content word of the correct option that the question repeats (or a close form of it) and no distractor has. */
function answerInStem(question: CheckableQuestion, { correct, distractors }: OptionParts): string | null {
  const stemWords = wordsOf(question.question);
  const distractorWords = distractors.flatMap(wordsOf);
  for (const word of wordsOf(correct)) {
    // Words of two letters and single digits ("4" in "4/4 time") are too common to give anything away.
    if (!isContentWord(word) || word.length < (/\d/.test(word) ? 2 : 3)) continue;
    if (hasCloseForm(distractorWords, word) || !hasCloseForm(stemWords, word)) continue;
    return `The question gives the answer away: "${word}" is in both the question and the correct answer, and in no other option.`;
  }
  return null;
}

// ── LONGEST_ANSWER ──────────────────────────────────────────────────────────

/** How many times longer than the longest distractor the correct option must be to stand out... */
const LONGEST_ANSWER_RATIO = 1.5;
/** ...and by how many characters at least (a 4-letter answer among 2-letter ones does not stand out)... */
const LONGEST_ANSWER_MIN_EXTRA = 12;
/** ...and words ("Standard deviation" among "Range", "Median" and "Mode" is a term, not a giveaway). */
const LONGEST_ANSWER_MIN_EXTRA_WORDS = 2;

function longestAnswer({ correct, distractors }: OptionParts): string | null {
  const longestDistractor = Math.max(...distractors.map(visibleLength));
  const length = visibleLength(correct);
  const extraWords = wordCount(correct) - Math.max(...distractors.map(wordCount));
  if (
    length < LONGEST_ANSWER_RATIO * longestDistractor ||
    length - longestDistractor < LONGEST_ANSWER_MIN_EXTRA ||
    extraWords < LONGEST_ANSWER_MIN_EXTRA_WORDS
  ) {
    return null;
  }
  return "The correct answer is much longer and more detailed than the other options, which gives it away.";
}

function visibleLength(text: string): number {
  return [...text.replace(/\s+/g, " ").trim()].length;
}

function wordCount(text: string): number {
  return text.trim().split(/\s+/).length;
}

// ── ALL_OR_NONE_OF_THE_ABOVE ────────────────────────────────────────────────

const WORDS_REFERRING_TO_OPTIONS =
  /\b(?:above|these|those|them|options|answers|choices|listed|mentioned|given|previous|preceding|others|correct|true|right|wrong|false|incorrect)\b/;

/** "All of the above", "None of these", "Both A and B", "Neither", "A and C", "Both X and Y" (X, Y other options). */
function isAboutOtherOptions(option: string, others: readonly string[]): boolean {
  const text = plainWords(option);
  if (/^(?:both|neither)$/.test(text)) return true;
  if (
    /^(?:all|none|both|neither|any)\b/.test(text) &&
    WORDS_REFERRING_TO_OPTIONS.test(text) &&
    text.split(" ").length <= 6
  ) {
    return true;
  }
  if (/^(?:both |neither |all of |none of )?[a-f](?: [a-f])* (?:and|nor|or|&) [a-f](?: only)?$/.test(text)) return true;
  if (/^(?:both|neither|only) [1-6](?: [1-6])* (?:and|nor|&) [1-6]$/.test(text)) return true;
  const both = /^(?:both|neither) (.+) (?:and|nor) (.+)$/.exec(text);
  if (both) {
    const names = new Set(others.map(plainWords));
    return names.has(both[1]!) && names.has(both[2]!);
  }
  return false;
}

function allOrNone({ options }: OptionParts): string | null {
  const option = options.find((candidate) =>
    isAboutOtherOptions(
      candidate,
      options.filter((other) => other !== candidate),
    ),
  );
  if (option === undefined) return null;
  return `"${option}" can be answered by elimination, without knowing the fact.`;
}

/** Lower-case words separated by single spaces, punctuation dropped. */
function plainWords(text: string): string {
  return normalizeText(text)
    .replace(/[^\p{L}\p{N}&]+/gu, " ")
    .trim();
}

// ── NEGATIVE_STEM ───────────────────────────────────────────────────────────

const NEGATIVE_CUES: ReadonlyArray<RegExp> = [
  // NOT, EXCEPT in capitals: the writer's own emphasis on the negation.
  /\b(NOT|EXCEPT)\b/,
  // "... except which one?", "All of these EXCEPT:"
  /\b(except)\b\s*(?:which|what|for which|[:?]|$)/i,
  // "Which of these is not ...", "Which planet does not ...", "Which of these animals cannot ...": the negation
  // follows the question word closely, so "What does the theorem say a store cannot guarantee?" is not one.
  /\b(?:which|what)\b(?:\s+[\p{L}\p{N}'-]+){0,4}?\s+((?:is|are|was|were|does|do|did|can|could|would|will|should|has|have|had)\s+not|cannot|[\p{L}]+n't)\b/iu,
  // "Which statement is false?", "Which of these sentences is grammatically incorrect?"
  /\b(?:which|what)\b[^?]*?\b(?:is|are|was|were)\s+(?:\p{L}+ly\s+)?(false|incorrect|untrue|wrong|inaccurate|not true|not correct)\b/iu,
  // "Identify the false statement", "Which one is the exception?" (not "Which keyword raises an exception?"),
  // "It is not true that ..."
  /\b(false|incorrect|untrue|inaccurate) (?:statement|one|option|answer|sentence|claim)\b/i,
  /\b(?:is|are) the (exception|odd one out)\s*[?:.]?\s*$/i,
  /\b(?:it is|it's) (not true|false) that\b/i,
];

function negativeStem(question: CheckableQuestion): string | null {
  const text = withoutQuotedWords(question.question);
  for (const cue of NEGATIVE_CUES) {
    const match = cue.exec(text);
    if (match) return `The question asks for the exception ("${match[1]}"), which is easy to misread.`;
  }
  return null;
}

// ── ABSOLUTE_TERMS ──────────────────────────────────────────────────────────

const ABSOLUTE_WORD =
  /(?<![\p{L}\p{N}-])(always|never|only|all|none|everyone|everything|everybody|nobody|entirely|completely|totally|absolutely|invariably|exclusively|solely)(?![\p{L}\p{N}-])/giu;

/**
 * The absolute words an option uses as qualifiers: not "Always" alone (a vocabulary answer),
 * nor a closing "all" or "none" ("Love conquers all"), nor a word the question itself uses.
 */
function absoluteWordsOf(option: string, stemWords: readonly string[]): string[] {
  const text = withoutQuotedWords(option);
  if (wordsOf(text).length < 2) return [];
  return [...text.matchAll(ABSOLUTE_WORD)]
    .filter(
      (match) => !/^(?:all|none)$/i.test(match[1]!) || /[\p{L}\p{N}]/u.test(text.slice(match.index + match[1]!.length)),
    )
    .map((match) => match[1]!.toLowerCase())
    .filter((word) => !stemWords.includes(word));
}

function absoluteTerms(question: CheckableQuestion, { correct, distractors, options }: OptionParts): string | null {
  const stemWords = wordsOf(question.question);
  const others = (option: string) => options.filter((other) => other !== option);
  if (absoluteWordsOf(correct, stemWords).length > 0) return null;
  for (const distractor of distractors) {
    if (isAboutOtherOptions(distractor, others(distractor))) continue;
    const word = absoluteWordsOf(distractor, stemWords)[0];
    if (word !== undefined) {
      return `Wrong options say "${word}" and the correct one doesn't: sweeping words give wrong options away.`;
    }
  }
  return null;
}

// ── GRAMMAR_CUE ─────────────────────────────────────────────────────────────

/** "... is called an", "... is a ___": the article the stem ends on, or that stands before a blank. */
const ARTICLE_AT_END = /\b(a|an)\s*(?:_{2,}|\.{3}|…|\(\s*\)|\[\s*\])?\s*[:.?]?\s*$/i;
const ARTICLE_BEFORE_BLANK = /\b(a|an)\s+(?:_{2,}|\.{3}|…)/i;
/** "... are", "... were the", "... are called": the stem expects a plural. */
const PLURAL_AT_END = /\b(?:are|were)(?:\s+(?:called|known as|named))?(?:\s+the)?\s*(?:_{2,}|\.{3}|…)?\s*[:.?]?\s*$/i;

function grammarCue(question: CheckableQuestion, { correct, options }: OptionParts): string | null {
  const stem = canonicalCharacters(question.question).trim();
  const article = (ARTICLE_AT_END.exec(stem) ?? ARTICLE_BEFORE_BLANK.exec(stem))?.[1]?.toLowerCase();
  if (article === "a" || article === "an") {
    const fits = (option: string) => takesAn(option) === (article === "an");
    if (options.some(fits) && !options.every(fits)) {
      const misfit = options.find((option) => !fits(option))!;
      return fits(correct)
        ? `The question ends with "${article}", which doesn't fit "${misfit}": grammar gives the answer away.`
        : `The question ends with "${article}", which doesn't fit the correct answer.`;
    }
  }
  if (PLURAL_AT_END.test(stem)) {
    const singular = options.filter((option) => grammaticalNumber(option) === "singular");
    if (grammaticalNumber(correct) === "plural" && singular.length > 0) {
      return `The question expects a plural, and only some options are plural ("${singular[0]}" is not): grammar gives the answer away.`;
    }
  }
  return null;
}

/** Whether a phrase is spoken with a vowel sound first, so takes "an" ("an hour", "a university", "an MRI"). */
function takesAn(phrase: string): boolean {
  const first =
    canonicalCharacters(phrase)
      .trim()
      .split(/[\s-]+/)[0] ?? "";
  if (/^\d/.test(first)) return /^(?:8|11|18)(?!\d)|^8\d*$/.test(first);
  if (/^[A-Z]{2,}\b/.test(first)) return /^[AEFHILMNORSX]/.test(first);
  const word = first.toLowerCase();
  if (/^(?:hour|honest|honou?r|heir)/.test(word)) return true;
  if (/^(?:uni|use|usu|uti|ure|uro|eu|ewe|one|once|ubiq)/.test(word)) return false;
  return /^[aeiou]/.test(word);
}

const IRREGULAR_PLURALS = new Set(
  "children people men women teeth feet mice geese oxen lice data criteria phenomena bacteria fungi cacti nuclei alumni".split(
    " ",
  ),
);
const SINGULAR_ENDING_IN_S =
  /(?:ss|us|is|ics|ous|ness|sis|itis|ies?s|as|os)$|^(?:species|series|means|news|measles|mumps|diabetes|rabies|lens|gas|bus)$/;

/** Whether a short noun phrase is plural ("kidneys", "nitrogen and oxygen"), singular ("a crustacean", "liver"), or unknown. */
function grammaticalNumber(phrase: string): "plural" | "singular" | "unknown" {
  const words = canonicalCharacters(phrase).trim().split(/\s+/);
  if (words.length > 4) return "unknown";
  const lower = words.map((word) => word.toLowerCase().replace(/[^\p{L}]/gu, ""));
  if (lower.includes("and")) return "plural";
  if (/^(?:a|an|one)$/.test(lower[0] ?? "")) return "singular";
  const ofAt = lower.indexOf("of");
  const head = ofAt > 0 ? words[ofAt - 1]! : words[words.length - 1]!;
  const headLower = head.toLowerCase().replace(/[^\p{L}]/gu, "");
  if (IRREGULAR_PLURALS.has(headLower)) return "plural";
  if (/^\p{Lu}/u.test(head))
    return /(?:ians|ans|ese)$/.test(headLower) ? "plural" : headLower.endsWith("s") ? "unknown" : "singular";
  if (headLower.length > 3 && headLower.endsWith("s") && !SINGULAR_ENDING_IN_S.test(headLower)) return "plural";
  return headLower.length > 0 ? "singular" : "unknown";
}

// ── DUPLICATE_OPTIONS ───────────────────────────────────────────────────────

/**
 * An option in one spelling: lower case, punctuation and articles dropped (a minus sign and
 * other maths kept), number words as digits ("twelve" → "12", "0.50" → "0.5").
 */
function canonicalOption(option: string): string {
  const text = normalizeText(option)
    .replace(/(?<=\d),(?=\d{3}\b)/g, "")
    .replace(/&/g, " and ")
    .replace(/%/g, " percent")
    .replace(/°\s*c\b/g, " degrees celsius")
    .replace(/°\s*f\b/g, " degrees fahrenheit")
    .replace(/(?<=\p{L})-(?=\p{L})/gu, " ")
    .replace(/(?<!\d)\.|\.(?!\d)/g, "")
    .replace(/[^\p{L}\p{N}\s+\-×÷/=<>^%°π√.]/gu, " ");
  const words = text.split(/\s+/).filter((word) => word.length > 0 && !/^(?:a|an|the)$/.test(word));
  return words.map((word) => numberValue(word) ?? SPELLED_OUT[word] ?? word).join(" ");
}

/** Short forms written out, so "Mt Everest" is "Mount Everest" and "5 km" is "5 kilometres". */
const SPELLED_OUT: Readonly<Record<string, string>> = {
  mt: "mount",
  st: "saint",
  dr: "doctor",
  km: "kilometres",
  kilometers: "kilometres",
  kg: "kilograms",
  cm: "centimetres",
  mm: "millimetres",
  centimeters: "centimetres",
  millimeters: "millimetres",
  meters: "metres",
  vs: "versus",
};

/** The letters of an abbreviation ("U.N." → "un"), if the option is one: 2-6 capitals, dots allowed. */
function abbreviationOf(option: string): string | null {
  const text = canonicalCharacters(option).trim();
  return /^(?:[A-Z]\.?){2,6}$/.test(text) ? text.replace(/\./g, "").toLowerCase() : null;
}

/** The initials of a phrase of two words or more, with and without its small words ("of", "and", "the"). */
function initialsOf(option: string): string[] {
  const words = plainWords(option).split(" ");
  if (words.length < 2) return [];
  const initials = (list: string[]) => list.map((word) => word[0]).join("");
  return [initials(words), initials(words.filter((word) => !/^(?:of|and|the|for|&)$/.test(word)))];
}

function sameOption(a: string, b: string): boolean {
  const canonicalA = canonicalOption(a);
  const canonicalB = canonicalOption(b);
  if (canonicalA === canonicalB) return true;
  // Reordered: "White and red" / "Red and white", "Austen, Jane" / "Jane Austen".
  const parts = (text: string) =>
    normalizeText(text)
      .split(/,|;|&|\band\b/)
      .map((part) => canonicalOption(part))
      .filter((part) => part.length > 0)
      .sort()
      .join("|");
  if (/,|;|&|\band\b/i.test(a) && /,|;|&|\band\b/i.test(b) && parts(a) === parts(b)) return true;
  const inverted = (text: string) => {
    const [last, first, ...rest] = text.split(",");
    return rest.length === 0 && first !== undefined ? canonicalOption(`${first} ${last}`) : null;
  };
  if (inverted(a) === canonicalB || inverted(b) === canonicalA) return true;
  // Abbreviated: "UN" / "United Nations", "NASA" / "National Aeronautics and Space Administration".
  const abbreviationA = abbreviationOf(a);
  const abbreviationB = abbreviationOf(b);
  return (
    (abbreviationA !== null && initialsOf(b).includes(abbreviationA)) ||
    (abbreviationB !== null && initialsOf(a).includes(abbreviationB))
  );
}

function duplicateOptions({ options }: OptionParts): string | null {
  for (let i = 0; i < options.length; i++) {
    for (let j = i + 1; j < options.length; j++) {
      if (sameOption(options[i]!, options[j]!)) {
        return `"${options[i]}" and "${options[j]}" are the same option written two ways.`;
      }
    }
  }
  return null;
}

// ── VAGUE_TERMS ─────────────────────────────────────────────────────────────

const VAGUE_WORD =
  /\b(usually|often|sometimes|generally|typically|frequently|commonly|normally|occasionally|mostly|probably|possibly|rarely|seldom|might|may|tends? to|in general|most of the time)\b(?!\s+(?:be\s+)?(?:called|known|referred|nicknamed|termed|dubbed)\b)/gi;

function vagueTerms(question: CheckableQuestion): string | null {
  const text = withoutQuotedWords(question.question);
  for (const match of text.matchAll(VAGUE_WORD)) {
    const word = match[1]!;
    if (word === "May" && isMonth(text, match.index)) continue;
    return `"${word.toLowerCase()}" makes the question vague: it has no clear right or wrong answer.`;
  }
  return null;
}

/** "May" as the month: mid-sentence, or before a day or a year ("May 1945", "In May"). */
function isMonth(text: string, index: number): boolean {
  const before = text.slice(0, index).trimEnd();
  const startsSentence = before.length === 0 || /[.!?:]$/.test(before);
  return !startsSentence || /^May\s+\d/.test(text.slice(index));
}

// ── EXPLANATION_MISMATCH ────────────────────────────────────────────────────

/** An explanation that opens by calling the statement false, or says so outright. */
const SAYS_FALSE =
  /^\s*(?:false|not true|untrue|incorrect|wrong|no|myth|actually,? no|in fact,? no)\b\s*[.:,;!-]|\b(?:this|that|it|the statement|this statement|that statement|the claim|this claim)(?: is|'s) (?:false|not true|untrue|incorrect|wrong|a myth|a misconception)\b/i;
const SAYS_TRUE =
  /^\s*(?:true|yes|correct|right)\b\s*[.:,;!-]|\b(?:this|that|it|the statement|this statement|that statement|the claim|this claim)(?: is|'s) (?:true|correct|right)\b/i;

function explanationMismatch(question: CheckableQuestion, parts: OptionParts | null): string | null {
  const explanation = canonicalCharacters(question.explanation);
  if (question.type === "true-false") {
    const answerIsTrue = question.correctAnswer.trim().toLowerCase() === "true";
    if (answerIsTrue && SAYS_FALSE.test(explanation)) {
      return "The explanation says the statement is false, but the answer is True.";
    }
    if (!answerIsTrue && SAYS_TRUE.test(explanation)) {
      return "The explanation says the statement is true, but the answer is False.";
    }
    return null;
  }
  if (!parts) return null;
  const explanationWords = wordsOf(explanation).map((word) => numberValue(word) ?? word);
  const stemWords = wordsOf(question.question);
  const isMentioned = (word: string) =>
    hasCloseForm(explanationWords, word) ||
    (/^\d+\.\d+$/.test(word) && explanationWords.some((other) => other.startsWith(word)));
  const contentWords = (option: string) =>
    wordsOf(option)
      .map((word) => numberValue(word) ?? word)
      .filter((word) => isContentWord(word) && !hasCloseForm(stemWords, word));
  // The explanation names the correct answer, or part of it: it supports it (and may discuss the others).
  const correctWords = contentWords(parts.correct);
  if (correctWords.length === 0 || correctWords.some(isMentioned)) return null;
  for (const distractor of parts.distractors) {
    if (sameOption(distractor, parts.correct)) continue;
    // The words that tell this option apart (in no other option) are at least half in the explanation.
    const others = parts.options.filter((other) => other !== distractor).flatMap(wordsOf);
    const identifying = contentWords(distractor).filter((word) => !hasCloseForm(others, word));
    if (identifying.length > 0 && identifying.filter(isMentioned).length / identifying.length >= 0.5) {
      return `The explanation is about "${distractor}", not the correct answer "${parts.correct}".`;
    }
  }
  return null;
}
