/**
 * The offline sample model: what jobs run on when no model is configured, so
 * the app works with no key and no network. It implements the AI SDK's
 * language-model interface, answers the generation call as a real model
 * does (a plan read off the request, then the questions), and streams them
 * at about the pace of Gemini Flash.
 *
 * It knows three demo topics for real (the NATO alphabet, the first elements
 * of the periodic table, React hooks); for anything else it writes questions
 * about studying the topic (16 facts of learning science, then repeats, which
 * the quality gate drops as duplicates). Asked about a section of a learner's
 * material, it writes questions from the section's own sentences, each quoting
 * its sentence (`sampleSourceQuestions`), so the quotes verify. Every
 * explanation says it is sample output, and the UI shows that the sample model
 * is in use.
 *
 * So that the quality gate can be seen offline, it writes a flawed question now
 * and then, always at the same places (`withSampleFlaws`), over a prompt and
 * over a section alike: in each answer, of every `SAMPLE_FLAW_INTERVAL`
 * questions, the 4th multiple-choice one has a distractor replaced by "All of
 * the above" (severe: rejected, then rewritten) and the 7th asks "Generally,
 * ..." (mild: saved, marked "Needs a look"). A rewrite request gets clean
 * questions: the rejected one as it should have been written, or, for a
 * duplicate, the next question the learner does not have yet.
 */
import type { GeneratedQuestion } from "../../../lib/validators";
import { JOB_CONFIG } from "../../../lib/constants/jobs";
import { chunked, codeModel, promptText } from "./modelStream";
import { parseGenerationPrompt, type RejectedForRewrite } from "./prompts";
import { sampleSourceQuestions } from "./sampleSourceQuestions";
import { parseSectionText } from "./sourcePrompts";

export const SAMPLE_NOTE = "(Sample question from the offline model: set GOOGLE_GENERATIVE_AI_API_KEY for real ones.)";

/** ~25 characters every 35 ms ≈ one question every half second. */
const DEFAULT_CHUNK_DELAY_MS = 35;
const CHUNK_SIZE = 25;

export function createSampleModel(options: { chunkDelayMs?: number } = {}) {
  const delayMs = options.chunkDelayMs ?? DEFAULT_CHUNK_DELAY_MS;
  const answer = (prompt: string) => {
    const { topic, count, avoid, rewrite } = parseGenerationPrompt(prompt);
    const section = parseSectionText(prompt);
    const write = (n: number, not: readonly string[]) =>
      section === null ? sampleQuestions(topic, n, not) : sampleSourceQuestions(section, n, not);
    const questions =
      rewrite.length > 0
        ? sampleRewrites(write(JOB_CONFIG.MAX_QUESTIONS, []), rewrite, avoid)
        : withSampleFlaws(write(count, avoid));
    return JSON.stringify({ plan: { topic, questionCount: questions.length }, questions });
  };
  return codeModel({
    provider: "sample",
    modelId: "sample-questions",
    generate: (call) => answer(promptText(call)),
    stream: (call) => chunked(answer(promptText(call)), CHUNK_SIZE, delayMs),
  });
}

/** `count` distinct questions on `topic`, none of them in `avoid`, always the same for the same input. */
export function sampleQuestions(topic: string, count: number, avoid: readonly string[] = []): GeneratedQuestion[] {
  const bank = bankFor(topic);
  const seen = new Set(avoid);
  const random = seededRandom(hash(topic));
  const result: GeneratedQuestion[] = [];
  for (let i = 0; result.length < Math.min(count, JOB_CONFIG.MAX_QUESTIONS) && i < 500; i++) {
    const q = bank(i, random);
    if (seen.has(q.question)) continue;
    seen.add(q.question);
    result.push({ ...q, explanation: `${q.explanation} ${SAMPLE_NOTE}` });
  }
  return result;
}

/** Of every this many questions in an answer, one has a severe flaw and one a mild one (`withSampleFlaws`). */
export const SAMPLE_FLAW_INTERVAL = 8;
/** Where in each `SAMPLE_FLAW_INTERVAL` they are (0-based): the 4th (or the next multiple-choice one), the 7th. */
const SEVERE_FLAW_AT = 3;
const MILD_FLAW_AT = 6;
const ALL_OF_THE_ABOVE = "All of the above";

/**
 * `questions` as the sample model writes them in a generation answer: of every
 * `SAMPLE_FLAW_INTERVAL`, the 4th multiple-choice question gets "All of the above"
 * in place of its last distractor (ALL_OR_NONE_OF_THE_ABOVE, severe), and the 7th
 * question asks "Generally, ..." (VAGUE_TERMS, mild). Deterministic.
 */
export function withSampleFlaws(questions: readonly GeneratedQuestion[]): GeneratedQuestion[] {
  const flawed = [...questions];
  for (let start = 0; start < flawed.length; start += SAMPLE_FLAW_INTERVAL) {
    const severe = flawed.findIndex((q, i) => i >= start + SEVERE_FLAW_AT && q.type === "multiple-choice");
    if (severe !== -1 && severe < start + SAMPLE_FLAW_INTERVAL) {
      const q = flawed[severe]!;
      const last = q.options.findLastIndex((option) => option !== q.correctAnswer);
      flawed[severe] = { ...q, options: q.options.map((option, i) => (i === last ? ALL_OF_THE_ABOVE : option)) };
    }
    const mild = start + MILD_FLAW_AT;
    if (mild < flawed.length && mild !== severe) {
      const q = flawed[mild]!;
      flawed[mild] = { ...q, question: `Generally, ${q.question.charAt(0).toLowerCase()}${q.question.slice(1)}` };
    }
  }
  return flawed;
}

/**
 * Clean replacements for the questions a rewrite request names, one each, in order, from `bank` (what the
 * sample model writes for the topic or the section, unflawed): the rejected question as the bank writes it (its flaw was added by `withSampleFlaws`), or, for a
 * duplicate (or a question the bank does not know), the next bank question not in `avoid`.
 */
export function sampleRewrites(
  bank: readonly GeneratedQuestion[],
  rejected: readonly RejectedForRewrite[],
  avoid: readonly string[],
): GeneratedQuestion[] {
  const used = new Set([...avoid, ...rejected.map((r) => r.question)]);
  const fresh = bank.filter((q) => !used.has(q.question));
  return rejected.map(({ question, problems }) => {
    const duplicate = problems.some((problem) => problem.startsWith("You already have"));
    const same = duplicate ? undefined : bank.find((q) => q.question === question);
    return same ?? fresh.shift() ?? bank[0]!;
  });
}

type Bank = (index: number, random: () => number) => GeneratedQuestion;

function bankFor(topic: string): Bank {
  if (/nato|phonetic alphabet|spelling alphabet/i.test(topic)) return natoBank;
  if (/periodic|chemical element|elements/i.test(topic)) return elementsBank;
  if (/react/i.test(topic)) return reactBank;
  return studyBank(topic);
}

const NATO = [
  "Alfa",
  "Bravo",
  "Charlie",
  "Delta",
  "Echo",
  "Foxtrot",
  "Golf",
  "Hotel",
  "India",
  "Juliett",
  "Kilo",
  "Lima",
  "Mike",
  "November",
  "Oscar",
  "Papa",
  "Quebec",
  "Romeo",
  "Sierra",
  "Tango",
  "Uniform",
  "Victor",
  "Whiskey",
  "X-ray",
  "Yankee",
  "Zulu",
];

const natoBank: Bank = (i, random) => {
  const n = (i * 7) % 26;
  const word = NATO[n]!;
  const letter = String.fromCharCode(65 + n);
  if (i % 3 === 2) {
    const wrong = NATO[(n + 1 + Math.floor(random() * 25)) % 26]!;
    const shown = random() < 0.5 ? word : wrong;
    return {
      question: `In the NATO phonetic alphabet, "${shown}" is the code word for the letter ${letter}.`,
      type: "true-false",
      options: ["True", "False"],
      correctAnswer: shown === word ? "True" : "False",
      explanation: `${letter} is "${word}".`,
      difficulty: "easy",
    };
  }
  return {
    question: `Which code word stands for the letter ${letter} in the NATO phonetic alphabet?`,
    type: "multiple-choice",
    options: shuffle([word, ...pickOthers(NATO, n, 3, random)], random),
    correctAnswer: word,
    explanation: `${letter} is "${word}"; the alphabet runs Alfa, Bravo, Charlie… Zulu.`,
    difficulty: n % 2 === 0 ? "easy" : "medium",
  };
};

const ELEMENTS: Array<[symbol: string, name: string]> = [
  ["H", "Hydrogen"],
  ["He", "Helium"],
  ["Li", "Lithium"],
  ["Be", "Beryllium"],
  ["B", "Boron"],
  ["C", "Carbon"],
  ["N", "Nitrogen"],
  ["O", "Oxygen"],
  ["F", "Fluorine"],
  ["Ne", "Neon"],
  ["Na", "Sodium"],
  ["Mg", "Magnesium"],
  ["Al", "Aluminium"],
  ["Si", "Silicon"],
  ["P", "Phosphorus"],
  ["S", "Sulfur"],
  ["Cl", "Chlorine"],
  ["Ar", "Argon"],
  ["K", "Potassium"],
  ["Ca", "Calcium"],
];

const elementsBank: Bank = (i, random) => {
  const n = (i * 3) % ELEMENTS.length;
  const [symbol, name] = ELEMENTS[n]!;
  const number = n + 1;
  switch (Math.floor(i / ELEMENTS.length) % 3) {
    case 0:
      return {
        question: `What is the chemical symbol of ${name.toLowerCase()}?`,
        type: "multiple-choice",
        options: shuffle(
          [
            symbol,
            ...pickOthers(
              ELEMENTS.map((e) => e[0]),
              n,
              3,
              random,
            ),
          ],
          random,
        ),
        correctAnswer: symbol,
        explanation: `${name} is ${symbol}, atomic number ${number}.`,
        difficulty: ["Na", "K", "P", "S"].includes(symbol) ? "medium" : "easy",
      };
    case 1:
      return {
        question: `Which element has atomic number ${number}?`,
        type: "multiple-choice",
        options: shuffle(
          [
            name,
            ...pickOthers(
              ELEMENTS.map((e) => e[1]),
              n,
              3,
              random,
            ),
          ],
          random,
        ),
        correctAnswer: name,
        explanation: `Atomic number ${number} is ${name.toLowerCase()} (${symbol}): it has ${number} protons.`,
        difficulty: number > 10 ? "hard" : "medium",
      };
    default:
      return {
        question: `${name} has atomic number ${number}.`,
        type: "true-false",
        options: ["True", "False"],
        correctAnswer: "True",
        explanation: `${name} (${symbol}) is element ${number} of the periodic table.`,
        difficulty: "medium",
      };
  }
};

const REACT: GeneratedQuestion[] = [
  {
    question: "Which hook adds local state to a function component?",
    type: "multiple-choice",
    options: ["useState", "useEffect", "useRef", "useMemo"],
    correctAnswer: "useState",
    explanation: "useState returns the current value and a setter that schedules a re-render.",
    difficulty: "easy",
  },
  {
    question: "Which hook runs code after render to synchronise with an external system?",
    type: "multiple-choice",
    options: ["useEffect", "useState", "useContext", "useId"],
    correctAnswer: "useEffect",
    explanation: "Effects run after React commits, e.g. to subscribe or fetch.",
    difficulty: "easy",
  },
  {
    question: "Changing a ref's .current value triggers a re-render.",
    type: "true-false",
    options: ["True", "False"],
    correctAnswer: "False",
    explanation: "Refs are mutable boxes React does not track; use state when the UI must update.",
    difficulty: "medium",
  },
  {
    question: "What does the dependency array of useEffect control?",
    type: "multiple-choice",
    options: ["When the effect re-runs", "The order of effects", "Which props are passed", "The effect's return type"],
    correctAnswer: "When the effect re-runs",
    explanation: "The effect runs again only when a listed value changed since the last render.",
    difficulty: "medium",
  },
  {
    question: "Hooks may be called inside loops and conditions.",
    type: "true-false",
    options: ["True", "False"],
    correctAnswer: "False",
    explanation: "React relies on hooks being called in the same order on every render.",
    difficulty: "easy",
  },
  {
    question: "Which hook caches the result of an expensive calculation between renders?",
    type: "multiple-choice",
    options: ["useMemo", "useCallback", "useRef", "useTransition"],
    correctAnswer: "useMemo",
    explanation: "useMemo recomputes only when its dependencies change.",
    difficulty: "medium",
  },
  {
    question: "Which hook reads a value provided higher in the tree without passing props?",
    type: "multiple-choice",
    options: ["useContext", "useReducer", "useState", "useLayoutEffect"],
    correctAnswer: "useContext",
    explanation: "useContext subscribes to the nearest matching Context provider.",
    difficulty: "easy",
  },
  {
    question: "useCallback returns a memoized function whose identity is stable while its dependencies are unchanged.",
    type: "true-false",
    options: ["True", "False"],
    correctAnswer: "True",
    explanation: "That keeps memoized children and effect dependencies from changing needlessly.",
    difficulty: "medium",
  },
  {
    question: "Which hook suits state with complex update logic expressed as actions?",
    type: "multiple-choice",
    options: ["useReducer", "useState", "useMemo", "useId"],
    correctAnswer: "useReducer",
    explanation: "useReducer moves updates into a pure reducer(state, action) function.",
    difficulty: "hard",
  },
  {
    question: "What should an effect return to clean up a subscription?",
    type: "multiple-choice",
    options: ["A function", "A promise", "null", "The subscription id"],
    correctAnswer: "A function",
    explanation: "React calls the returned cleanup before re-running the effect and on unmount.",
    difficulty: "medium",
  },
];

const reactBank: Bank = (i) => {
  const q = REACT[i % REACT.length]!;
  const round = Math.floor(i / REACT.length);
  return round === 0 ? q : { ...q, question: `${q.question} (review ${round + 1})` };
};

function studyBank(topic: string): Bank {
  const t = topic;
  const tf = (
    question: string,
    answer: boolean,
    explanation: string,
    difficulty: Difficulty = "easy",
  ): GeneratedQuestion => ({
    question,
    type: "true-false",
    options: ["True", "False"],
    correctAnswer: answer ? "True" : "False",
    explanation,
    difficulty,
  });
  const mc = (
    question: string,
    options: string[],
    explanation: string,
    difficulty: Difficulty = "medium",
  ): GeneratedQuestion => ({
    question,
    type: "multiple-choice",
    options,
    correctAnswer: options[0]!,
    explanation,
    difficulty,
  });
  // One fact of learning science each, so none asks what another asks (the quality gate's duplicate check).
  const facts: GeneratedQuestion[] = [
    tf(
      `Answering questions about ${t} from memory helps you retain it better than re-reading notes.`,
      true,
      "Retrieval practice strengthens memory more than passive review.",
    ),
    mc(
      `After you rate a question on ${t} "Easy", when does spaced repetition show it again?`,
      ["Later than one rated Hard", "Sooner than one rated Again", "In exactly one hour", "Right away"],
      "Easier answers earn longer intervals before the next review.",
    ),
    mc(
      `What is a good first question to ask when you start learning ${t}?`,
      [
        "What problem does it address?",
        "How long is the longest textbook?",
        "Who is the most famous expert?",
        "Which font do experts prefer?",
      ],
      "Knowing what a subject is for gives every later fact a place to attach to.",
      "easy",
    ),
    tf(
      `Cramming ${t} the night before works as well as spacing the same study time over several days.`,
      false,
      "The spacing effect: the same time spread out leads to longer-lasting memory.",
    ),
    mc(
      `What is a good way to check that you understand an idea in ${t}?`,
      ["Explain it in your own words", "Highlight it", "Copy it out twice", "Read it aloud quickly"],
      "Explaining exposes gaps that re-reading hides.",
    ),
    tf(
      `Mixing different kinds of ${t} problems in one session (interleaving) helps long-term learning.`,
      true,
      "Interleaving trains you to pick the right approach, not just repeat one.",
      "hard",
    ),
    tf(
      `Sleep after a session on ${t} helps the brain consolidate what you learned.`,
      true,
      "Memories are stabilised during sleep, especially deep sleep.",
      "medium",
    ),
    mc(
      `Which habit turns reading about ${t} into learning it?`,
      ["Testing yourself afterwards", "Rereading the chapter", "Highlighting key lines", "Playing music meanwhile"],
      "Self-testing is among the most effective study techniques known.",
    ),
    tf(
      `Finding ${t} material familiar when you reread it is a reliable sign that you will remember it.`,
      false,
      "Familiarity is an illusion of knowing: recognising is easier than recalling.",
      "medium",
    ),
    mc(
      `What is the "generation effect" when you study ${t}?`,
      [
        "Producing an answer yourself makes it stick",
        "Reading answers makes them stick",
        "Younger learners remember more",
        "Each generation learns faster",
      ],
      "Information you produce is remembered better than information you read.",
      "hard",
    ),
    tf(
      `Spaced repetition shows a question on ${t} at longer and longer intervals while you keep remembering it.`,
      true,
      "Each successful recall pushes the next review further out.",
    ),
    mc(
      `Which kind of example helps you grasp an abstract idea in ${t}?`,
      ["A concrete, everyday example", "A longer definition", "A list of related terms", "A harder exercise"],
      "Concrete examples give an abstract idea something to hold on to.",
    ),
    tf(
      `Looking at the answer before trying to recall it makes ${t} practice more effective.`,
      false,
      "The effort of recalling is what strengthens memory; peeking skips it.",
    ),
    mc(
      `What should you do with a question on ${t} that you keep getting wrong?`,
      ["Rewrite it or split it up", "Skip it from now on", "Review it less often", "Read it without answering"],
      "A question that keeps failing is often too big or unclear: make it smaller.",
    ),
    tf(
      `Teaching ${t} to someone else is a good way to find the gaps in your understanding.`,
      true,
      "Teaching forces you to organise and explain, which reveals what is missing.",
      "medium",
    ),
    mc(
      `When is the best time to review ${t} again after a first study session?`,
      [
        "Just before you would forget it",
        "Straight after the session",
        "The same evening, twice",
        "Once the exam is over",
      ],
      "Reviewing when recall has become effortful strengthens memory the most.",
      "hard",
    ),
  ];
  return (i, random) => {
    const q = facts[i % facts.length]!;
    const round = Math.floor(i / facts.length);
    const shuffled = q.type === "multiple-choice" ? { ...q, options: shuffle(q.options, random) } : q;
    // Beyond its facts the bank repeats itself: the quality gate drops those as duplicates.
    return round === 0 ? shuffled : { ...shuffled, question: `${q.question} (set ${round + 1})` };
  };
}

type Difficulty = GeneratedQuestion["difficulty"];

function pickOthers<T>(items: readonly T[], exclude: number, count: number, random: () => number): T[] {
  const others = items.filter((_, i) => i !== exclude);
  return shuffle(others, random).slice(0, count);
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** mulberry32: small, fast, deterministic. */
function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
