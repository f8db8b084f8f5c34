import { describe, expect, test } from "vitest";
import { normalizeQuestion, questionKey } from "./questionQuality";
import type { GeneratedQuestion } from "../../lib/validators";

const mc: GeneratedQuestion = {
  question: "  Which   hook adds state? ",
  type: "multiple-choice",
  options: ["useState", " useEffect ", "usestate", ""],
  correctAnswer: "USESTATE",
  explanation: " Because. ",
  difficulty: "easy",
};

describe("normalizeQuestion", () => {
  test("cleans text, drops duplicate and empty options, spells the answer as its option", () => {
    expect(normalizeQuestion(mc)).toEqual({
      ...mc,
      question: "Which hook adds state?",
      options: ["useState", "useEffect"],
      correctAnswer: "useState",
      explanation: "Because.",
    });
  });

  test("rejects an answer that is not an option, too few options, or no text", () => {
    expect(normalizeQuestion({ ...mc, correctAnswer: "useRef" })).toBeNull();
    expect(normalizeQuestion({ ...mc, options: ["useState", "USESTATE"] })).toBeNull();
    expect(normalizeQuestion({ ...mc, question: "   " })).toBeNull();
  });

  test("true/false questions get canonical options", () => {
    const tf = normalizeQuestion({ ...mc, type: "true-false", options: ["yes", "no"], correctAnswer: "false" });
    expect(tf).toMatchObject({ options: ["True", "False"], correctAnswer: "False" });
    expect(normalizeQuestion({ ...mc, type: "true-false", correctAnswer: "maybe" })).toBeNull();
  });
});

test("questionKey ignores case, spacing and punctuation", () => {
  expect(questionKey("What is  DNA?")).toBe(questionKey("what is dna"));
  expect(questionKey("What is DNA?")).not.toBe(questionKey("What is RNA?"));
});
