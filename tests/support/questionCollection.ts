/**
 * A learner's collection, generated: `count` questions in the shapes and densities of a real one
 * (times tables, vocabulary lists, capitals, dates, true/false facts), seeded so runs compare, each
 * with a paraphrase (the same fact, other words). For the question checker's benchmark
 * (`bench/questionChecker.ts`) and the quality gate's tests on a 10,000-question collection.
 */
import type { CheckableQuestion } from "../../lib/questionFlaws";

export type Question = CheckableQuestion & { id: string };

/** A seeded generator (mulberry32): the same collection on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = "ka lo mi ra su te no vi da pe zo ri ba mu ne go ti la fe yo".split(" ");
const LANGUAGES = ["French", "Spanish", "German", "Italian", "Portuguese", "Dutch"];

/** A generated question and, for the dense topics, a paraphrase of it (the same fact, other words). */
type Generated = { question: Question; paraphrase: (id: string) => Question };

/** `count` questions in the shapes and densities of a real collection, deterministic for a seed. */
export function generateCollection(count: number, seed = 1): Generated[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const word = (syllables = 2 + Math.floor(next() * 2)) =>
    Array.from({ length: syllables }, () => pick(SYLLABLES)).join("");
  const name = () => {
    const text = word();
    return text[0]!.toUpperCase() + text.slice(1);
  };
  const mc = (id: string, question: string, correct: string, distractors: string[]): Question => ({
    id,
    question,
    type: "multiple-choice",
    options: [correct, ...distractors],
    correctAnswer: correct,
    explanation: `${correct} is the answer.`,
  });
  const families: Array<(id: string) => Generated> = [
    (id) => {
      const [a, b] = [2 + Math.floor(next() * 98), 2 + Math.floor(next() * 98)];
      const options = [String(a * b + 1), String(a * b - a), String(a + b)];
      return {
        question: mc(id, `What is ${a} × ${b}?`, String(a * b), options),
        paraphrase: (pid) => mc(pid, `What is the product of ${a} and ${b}?`, String(a * b), options),
      };
    },
    (id) => {
      const [language, english, answer] = [pick(LANGUAGES), word(), word()];
      const options = [word(), word(), word()];
      return {
        question: mc(id, `What is the ${language} word for '${english}'?`, answer, options),
        paraphrase: (pid) => mc(pid, `How do you say '${english}' in ${language}?`, answer, options),
      };
    },
    (id) => {
      const [country, city] = [name(), name()];
      const options = [name(), name(), name()];
      return {
        question: mc(id, `What is the capital of ${country}?`, city, options),
        paraphrase: (pid) => mc(pid, `Which city is the capital of ${country}?`, city, options),
      };
    },
    (id) => {
      const [year, founder, city] = [1000 + Math.floor(next() * 1000), `${name()} ${name()}`, name()];
      const options = [String(year + 10), String(year - 25), String(year + 50)];
      return {
        question: mc(id, `In which year did ${founder} found the city of ${city}?`, String(year), options),
        paraphrase: (pid) => mc(pid, `When was ${city} founded by ${founder}?`, String(year), options),
      };
    },
    (id) => {
      const [pigment, thing, colour, answer] = [word(), word(), word(), name()];
      const options = [name(), name(), name()];
      return {
        question: mc(id, `Which ${pigment} gives the ${thing} its ${colour} colour?`, answer, options),
        paraphrase: (pid) =>
          mc(pid, `The ${colour} colour of the ${thing} comes from which ${pigment}?`, answer, options),
      };
    },
    (id) => {
      const [author, work, subject, year] = [`${name()} ${name()}`, word(), name(), 1500 + Math.floor(next() * 500)];
      const truth = next() < 0.5 ? "True" : "False";
      const statement = (pid: string, text: string): Question => ({
        id: pid,
        question: text,
        type: "true-false",
        options: ["True", "False"],
        correctAnswer: truth,
        explanation: "See the course notes.",
      });
      return {
        question: statement(id, `${author} wrote the ${work} of ${subject} in ${year}.`),
        paraphrase: (pid) => statement(pid, `In ${year}, the ${work} of ${subject} was written by ${author}.`),
      };
    },
  ];
  return Array.from({ length: count }, (_, i) => pick(families)(`gen-${seed}-${i}`));
}
