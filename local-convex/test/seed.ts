/**
 * Data files for tests that need a big query result without generating it:
 * written as a stopped backend's snapshot, before the backend starts.
 */
import { writeFileSync } from "node:fs";
import { newCard } from "../../lib/fsrs";

/** How many questions `seedBigPage` writes, each ~5.5 kB: the page of 100 (`listMyQuestions`) is ~550 kB. */
export const SEEDED_QUESTIONS = 100;

/** Writes a data file at `file` where user `userId` (a tokenIdentifier) has `SEEDED_QUESTIONS` big questions. */
export function seedBigPage(file: string, userId: string): void {
  const now = Date.now();
  const card = newCard(now);
  const questions = Array.from({ length: SEEDED_QUESTIONS }, (_, i) => ({
    _id: `${String(10000 + i).padStart(32 - "questions".length, "0")}questions`,
    _creationTime: now - SEEDED_QUESTIONS + i,
    userId,
    question: `Seeded question ${i}?`,
    type: "multiple-choice",
    options: ["A", "B", "C", "D"],
    correctAnswer: "A",
    explanation: "A long explanation. ".repeat(270),
    difficulty: "easy",
    topic: "Seeded",
    createdAt: now - SEEDED_QUESTIONS + i,
    card,
  }));
  const root = { nextDocId: 10000 + SEEDED_QUESTIONS, lastCreationTime: now, tables: { questions } };
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
