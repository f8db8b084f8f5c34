/**
 * The question checker (`lib/questionFlaws.ts`, `lib/questionDuplicates.ts`, and the stemmer
 * they use) in Convex's runtime: the same flags, and the same band keys as in Node, so keys
 * stored by a function are found by a script, and by the next release.
 */
import { expect, test } from "vitest";
import { duplicateBandKeys } from "../../lib/questionDuplicates";
import { findQuestionFlaws } from "../../lib/questionFlaws";

test("flags a flawed question and gives a question its stored band keys", () => {
  const paris = {
    question: "What is the capital of France?",
    type: "multiple-choice" as const,
    correctAnswer: "Paris",
  };
  expect(duplicateBandKeys(paris)).toEqual([
    "1.0.fa5zh8",
    "1.1.1x6ktwd",
    "1.2.cpgfw5",
    "1.3.5ctm9t",
    "1.4.15yb1s",
    "1.5.gasvkq",
    "1.6.z4cer4",
    "1.7.6ecben",
    "1.8.2cen3j",
    "1.9.1361kc4",
    "1.a.147pz2b",
    "1.b.mfbrj0",
    "1.c.1jnex00",
    "1.d.pm552",
    "1.e.oqexus",
    "1.f.43h2nz",
  ]);
  const flaws = findQuestionFlaws(
    {
      question: "Which city is the capital of France?",
      type: "multiple-choice",
      options: ["Paris", "paris", "Lyon"],
      correctAnswer: "Paris",
      explanation: "Lyon is France's capital.",
    },
    { owned: [paris] },
  );
  expect(flaws.map((flaw) => flaw.code)).toEqual(["DUPLICATE_OPTIONS", "EXPLANATION_MISMATCH", "DUPLICATE_QUESTION"]);
});
