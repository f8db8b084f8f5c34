/**
 * Checks on a generated question beyond its JSON shape, and the key used to
 * spot the same question twice. Pure: unit-tested without a database.
 */
import type { GeneratedQuestion } from "../../lib/validators";
import { generatedQuestionSchema } from "./ai/questionSchema";

const TRUE_FALSE = ["True", "False"] as const;

/** A question as the model wrote it, if it is usable: it matches the model's
 * contract (`generatedQuestionSchema`) and `normalizeQuestion` accepts it. */
export function checkQuestion(element: unknown): GeneratedQuestion | null {
  const parsed = generatedQuestionSchema.safeParse(element);
  return parsed.success ? normalizeQuestion(parsed.data) : null;
}

/**
 * An edited question, checked like a generated one (`checkQuestion`), or the
 * reason it is refused, in words a learner can act on.
 */
export function checkEditedQuestion(edit: GeneratedQuestion): { question: GeneratedQuestion } | { problem: string } {
  const parsed = generatedQuestionSchema.safeParse(edit);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "question");
    const names: Record<string, string> = {
      question: "The question",
      options: "The options",
      correctAnswer: "The answer",
      explanation: "The explanation",
    };
    const what = names[field] ?? "The question";
    if (issue.code === "too_big") return { problem: `${what} is too long.` };
    if (issue.code === "too_small" && field === "options" && issue.path.length === 1)
      return { problem: "A question needs at least two options." };
    if (issue.code === "too_small") return { problem: `${what} can't be empty.` };
    return { problem: `${what} is not valid.` };
  }
  const question = normalizeQuestion(parsed.data);
  if (question) return { question };
  if (clean(edit.question).length === 0) return { problem: "The question can't be empty." };
  if (edit.type === "true-false") return { problem: "A true/false question's answer must be True or False." };
  return { problem: "The answer must be one of the options, and a question needs at least two different options." };
}

/**
 * The question cleaned up (trimmed, canonical true/false options, the correct
 * answer spelled exactly as its option), or null if it is not usable: no text,
 * fewer than two distinct options, or a correct answer that is not an option.
 */
export function normalizeQuestion(raw: GeneratedQuestion): GeneratedQuestion | null {
  const question = clean(raw.question);
  const explanation = clean(raw.explanation);
  const answer = clean(raw.correctAnswer).toLowerCase();
  if (question.length === 0) return null;

  if (raw.type === "true-false") {
    const correct = TRUE_FALSE.find((o) => o.toLowerCase() === answer);
    if (!correct) return null;
    return { ...raw, question, explanation, options: [...TRUE_FALSE], correctAnswer: correct };
  }

  const options: string[] = [];
  for (const option of raw.options.map(clean)) {
    if (option.length > 0 && !options.some((o) => o.toLowerCase() === option.toLowerCase())) options.push(option);
  }
  const correct = options.find((o) => o.toLowerCase() === answer);
  if (options.length < 2 || !correct) return null;
  return { ...raw, question, explanation, options, correctAnswer: correct };
}

/** Two questions with the same key are the same question (case, spacing and
 * punctuation aside). */
export function questionKey(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}

function clean(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
