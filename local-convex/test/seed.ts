/**
 * Data files for tests that need a big query result without generating it:
 * written as a stopped backend's snapshot, before the backend starts.
 */
import { writeFileSync } from "node:fs";
import { searchFields } from "../../convex/lib/searchFields";
import { newCard } from "../../lib/fsrs";
import { DUPLICATE_SIGNATURE_VERSION, duplicateBandKeys } from "../../lib/questionDuplicates";

/** How many questions `seedBigPage` writes, each ~5.5 kB as a client gets it: the page of 100 (`listMyQuestions`) is ~550 kB. */
export const SEEDED_QUESTIONS = 100;

/** Writes a data file at `file` where user `userId` (a tokenIdentifier) has `SEEDED_QUESTIONS` big questions. */
export function seedBigPage(file: string, userId: string): void {
  const now = Date.now();
  const card = newCard(now);
  const questions = Array.from({ length: SEEDED_QUESTIONS }, (_, i) => {
    const text = {
      question: `Seeded question ${i}?`,
      options: ["A", "B", "C", "D"],
      explanation: "A long explanation. ".repeat(270),
    };
    return {
      _id: `${String(10000 + i).padStart(32 - "questions".length, "0")}questions`,
      _creationTime: now - SEEDED_QUESTIONS + i,
      userId,
      ...text,
      type: "multiple-choice" as const,
      correctAnswer: "A",
      difficulty: "easy",
      topic: "Seeded",
      createdAt: now - SEEDED_QUESTIONS + i,
      card,
      // As the app stores them (with their duplicate signatures, below), so no migration rewrites the seed when
      // the backend starts.
      ...searchFields(text),
      signatureVersion: DUPLICATE_SIGNATURE_VERSION,
    };
  });
  const questionSignatures = questions.flatMap((question) =>
    duplicateBandKeys(question).map((bandKey) => ({ userId, questionId: question._id, bandKey })),
  );
  const firstSignatureId = 10000 + SEEDED_QUESTIONS;
  const tables = {
    questions,
    questionSignatures: questionSignatures.map((row, i) => ({
      _id: `${String(firstSignatureId + i).padStart(32 - "questionSignatures".length, "0")}questionSignatures`,
      _creationTime: now,
      ...row,
    })),
  };
  const root = { nextDocId: firstSignatureId + questionSignatures.length, lastCreationTime: now, tables };
  const snapshot = {
    format: "local-convex-data",
    version: 1,
    lastCommitTs: `${now}000000`,
    journalSeq: 0,
    components: { "": root },
    extra: {},
  };
  writeFileSync(file, JSON.stringify(snapshot));
}
