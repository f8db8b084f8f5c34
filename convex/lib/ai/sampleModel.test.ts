import { describe, expect, test } from "vitest";
import { generatedQuestionSchema } from "./questionSchema";
import { normalizeQuestion } from "../questionQuality";
import { generationPrompt } from "./prompts";
import { generateLikeProcessJob } from "../../../tests/support/wire/capture";
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

describe("the sample model through the AI SDK", () => {
  const model = createSampleModel({ chunkDelayMs: 0 });
  const choice = { kind: "sample" as const, name: "sample", model, maxRetries: 0 };

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
