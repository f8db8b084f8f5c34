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

  test("keeps line breaks in the question and explanation; options are one line", () => {
    expect(
      normalizeQuestion({
        ...mc,
        question: "Which hook\r\n\n\n  adds state? ",
        options: ["useState", "use\nEffect"],
        explanation: "One.\nTwo.",
      }),
    ).toMatchObject({
      question: "Which hook\n\nadds state?",
      options: ["useState", "use Effect"],
      explanation: "One.\nTwo.",
    });
  });

  test("text that shows nothing is not text: an invisible question is rejected, invisible options dropped", () => {
    expect(normalizeQuestion({ ...mc, question: "\u200B\u200C\u200D\u2060" })).toBeNull();
    expect(normalizeQuestion({ ...mc, options: ["useState", "\u200B", "useRef"] })).toMatchObject({
      options: ["useState", "useRef"],
    });
    expect(normalizeQuestion({ ...mc, question: "Which\u0000 hook?" })).toMatchObject({ question: "Which hook?" });
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
