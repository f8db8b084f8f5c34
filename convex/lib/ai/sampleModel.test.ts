import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { findQuote } from "../../../lib/quotes";
import { sectionSource } from "../../../lib/sections";
import { normalizeSourceText } from "../../../lib/sources";
import { checkQuestion } from "../questionQuality";
import { SAMPLE_SOURCE_NOTE, sampleSourceQuestions } from "./sampleSourceQuestions";
import { sectionPrompt } from "./sourcePrompts";
import { generatedQuestionSchema } from "./questionSchema";
import { normalizeQuestion } from "../questionQuality";
import { generationPrompt } from "./prompts";
import { generateLikeProcessJob } from "../../../tests/support/wire/capture";
import { findDuplicateQuestion } from "../../../lib/questionDuplicates";
import { findQuestionFlaws } from "../../../lib/questionFlaws";
import { createSampleModel, SAMPLE_FLAW_INTERVAL, sampleQuestions, SAMPLE_NOTE } from "./sampleModel";

describe("sample questions", () => {
  test.each(["NATO alphabet", "Periodic table", "React hooks", "Medieval castles"])(
    "%s: valid, distinct, marked as samples",
    (topic) => {
      const questions = sampleQuestions(topic, 30);
      expect(questions).toHaveLength(30);
      expect(new Set(questions.map((q) => q.question)).size).toBe(30);
      for (const q of questions) {
        expect(generatedQuestionSchema.safeParse(q).success).toBe(true);
        expect(normalizeQuestion(q)).toEqual(q);
        expect(q.explanation).toContain(SAMPLE_NOTE);
      }
    },
  );

  test("same input, same questions; avoided ones are skipped", () => {
    const first = sampleQuestions("NATO alphabet", 5);
    expect(sampleQuestions("NATO alphabet", 5)).toEqual(first);
    const rest = sampleQuestions(
      "NATO alphabet",
      5,
      first.map((q) => q.question),
    );
    expect(rest.some((q) => first.some((f) => f.question === q.question))).toBe(false);
  });

  test("the NATO questions are right", () => {
    const q = sampleQuestions("NATO phonetic alphabet", 1)[0]!;
    expect(q.question).toMatch(/letter A\b/);
    expect(q.correctAnswer).toBe("Alfa");
  });
});

const choice = {
  kind: "sample" as const,
  name: "sample",
  model: createSampleModel({ chunkDelayMs: 0 }),
  maxRetries: 0,
};

describe("the sample model through the AI SDK", () => {
  test("answers the one generation call: a plan read off the request, then that many complete questions", async () => {
    const { elements, error } = await generateLikeProcessJob(
      choice,
      generationPrompt({ request: "Give me 12 questions on React hooks", avoid: [] }),
    );
    expect(error).toBeNull();
    expect(elements).toHaveLength(12);
    expect(elements[0]).toMatchObject({ question: "Which hook adds local state to a function component?" });
  });

  test(`writes a flawed question now and then (of every ${SAMPLE_FLAW_INTERVAL}: the 4th multiple-choice one severely, the 7th mildly), and a rewrite clean`, async () => {
    const { elements } = await generateLikeProcessJob(
      choice,
      generationPrompt({ request: "NATO alphabet", avoid: [] }),
    );
    const flaws = (elements as Array<Parameters<typeof findQuestionFlaws>[0]>).map((q) =>
      findQuestionFlaws(q).map((flaw) => flaw.code),
    );
    expect(flaws).toEqual([[], [], [], ["ALL_OR_NONE_OF_THE_ABOVE"], [], [], ["VAGUE_TERMS"], [], [], []]);
    const flawed = elements[3] as { question: string };
    const duplicate = elements[0] as { question: string };
    const rewrite = await generateLikeProcessJob(
      choice,
      generationPrompt({
        request: "NATO alphabet",
        plan: { topic: "NATO alphabet", questionCount: 10 },
        count: 2,
        avoid: (elements as Array<{ question: string }>).map((q) => q.question),
        rewrite: [
          { question: flawed.question, problems: ["It offers all of the above."] },
          { question: duplicate.question, problems: [`You already have a question that asks this: "..."`] },
        ],
      }),
    );
    const [fixed, fresh] = rewrite.elements as Array<Parameters<typeof findQuestionFlaws>[0]>;
    // The flawed one as it should have been written; for the duplicate, a question not asked yet.
    expect(fixed).toMatchObject({ question: flawed.question });
    expect(findQuestionFlaws(fixed!)).toEqual([]);
    expect((elements as Array<{ question: string }>).map((q) => q.question)).not.toContain(fresh!.question);
    expect(findQuestionFlaws(fresh!)).toEqual([]);
  });

  test("keeps a given plan and avoids the questions it is shown", async () => {
    const first = sampleQuestions("React hooks", 3).map((q) => q.question);
    const prompt = generationPrompt({
      request: "react",
      plan: { topic: "React hooks", questionCount: 8 },
      count: 5,
      avoid: first,
    });
    const { elements } = await generateLikeProcessJob(choice, prompt);
    expect(elements).toHaveLength(5);
    for (const q of elements as Array<{ question: string }>) expect(first).not.toContain(q.question);
  });
});

describe("the sample model over a learner's material", () => {
  const chapters = [
    normalizeSourceText(readFileSync("tests/fixtures/sources/photosynthesis.md", "utf8"), "markdown"),
    normalizeSourceText(readFileSync("tests/fixtures/sources/timekeeping.source.md", "utf8"), "markdown"),
  ];

  test.each(chapters.flatMap((text) => sectionSource(text, "markdown").map((s) => text.slice(s.start, s.end))))(
    "a section's questions are valid, distinct, pass the quality gate, and quote the section word for word",
    (section) => {
      const questions = sampleSourceQuestions(section, 6);
      expect(questions.length).toBeGreaterThan(0);
      expect(new Set(questions.map((q) => q.question)).size).toBe(questions.length);
      questions.forEach((q, i) => {
        expect(findQuestionFlaws(q)).toEqual([]);
        expect(findDuplicateQuestion(q, questions.slice(0, i))).toBeNull();
      });
      for (const q of questions) {
        expect(checkQuestion(q)).toEqual(q);
        expect(section).toContain(q.quote);
        expect(findQuote(section, q.quote!)).not.toBeNull();
        expect(q).toMatchObject({ generalKnowledge: false });
        expect(q.explanation).toContain(SAMPLE_SOURCE_NOTE);
      }
    },
  );

  test("answers a section's call with its quotes, and avoids the questions it is shown", async () => {
    const [text] = chapters;
    const place = sectionSource(text!, "markdown")[1]!;
    const section = text!.slice(place.start, place.end);
    const request = (avoid: string[]) =>
      sectionPrompt({
        request: "Questions from “photosynthesis.md”",
        plan: { topic: "Photosynthesis", questionCount: 6 },
        count: 3,
        sourceName: "photosynthesis.md",
        steps: [{ questions: 3 }, { questions: 3 }],
        step: 1,
        text: section,
        avoid,
      });
    const { elements, error } = await generateLikeProcessJob(choice, request([]), { sourced: true });
    expect(error).toBeNull();
    expect(elements).toHaveLength(3);
    for (const q of elements as Array<{ quote: string }>) expect(findQuote(section, q.quote)).not.toBeNull();
    const shown = (elements as Array<{ question: string }>).map((q) => q.question);
    const { elements: more } = await generateLikeProcessJob(choice, request(shown), { sourced: true });
    for (const q of more as Array<{ question: string }>) expect(shown).not.toContain(q.question);
  });
});
