import { Output, streamText } from "ai";
import { describe, expect, test } from "vitest";
import { generatedQuestionSchema } from "./questionSchema";
import { normalizeQuestion } from "../questionQuality";
import { generationPrompt } from "./prompts";
import { clarifyIntent } from "./prompts";
import { createSampleModel, sampleQuestions, SAMPLE_NOTE } from "./sampleModel";

describe("sample questions", () => {
  test.each(["NATO alphabet", "Periodic table", "React hooks", "Medieval castles"])("%s: valid, distinct, marked as samples", (topic) => {
    const questions = sampleQuestions(topic, 30);
    expect(questions).toHaveLength(30);
    expect(new Set(questions.map((q) => q.question)).size).toBe(30);
    for (const q of questions) {
      expect(generatedQuestionSchema.safeParse(q).success).toBe(true);
      expect(normalizeQuestion(q)).toEqual(q);
      expect(q.explanation).toContain(SAMPLE_NOTE);
    }
  });

  test("same input, same questions; avoided ones are skipped", () => {
    const first = sampleQuestions("NATO alphabet", 5);
    expect(sampleQuestions("NATO alphabet", 5)).toEqual(first);
    const rest = sampleQuestions("NATO alphabet", 5, first.map((q) => q.question));
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

  test("plans from the request", async () => {
    expect(await clarifyIntent(choice, "Give me 12 questions on React hooks")).toMatchObject({
      topic: "React hooks",
      questionCount: 12,
    });
  });

  test("streams the asked number of complete questions", async () => {
    const result = streamText({
      model,
      prompt: generationPrompt({ topic: "React hooks", focus: "", count: 8, request: "react", avoid: [] }),
      output: Output.array({ element: generatedQuestionSchema }),
    });
    const elements = [];
    for await (const element of result.elementStream) elements.push(element);
    expect(elements).toHaveLength(8);
    expect(await result.output).toEqual(elements);
  });
});
