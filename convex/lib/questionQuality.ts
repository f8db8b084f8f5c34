/**
 * Checks on a generated question beyond its JSON shape, and the key used to
 * spot the same question twice. Pure: unit-tested without a database.
 */
import { textProblem, trimInvisible, visibleLength, withoutUnreadable } from "../../lib/text";
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
 * reason it is refused, in words a learner can act on. An edit is never
 * changed behind the learner's back: text with nothing visible, control
 * characters or broken characters (`textProblem`), an option with a line
 * break, two options that differ only in case, or an answer that is not one
 * of the options are refused, not dropped or guessed. Only white space at the
 * ends of lines and runs of spaces are tidied; line breaks in the question
 * and the explanation are kept.
 */
export function checkEditedQuestion(edit: GeneratedQuestion): { question: GeneratedQuestion } | { problem: string } {
  const textual = editedTextProblem(edit);
  if (textual) return { problem: textual };
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
    const what =
      field === "options" && typeof issue.path[1] === "number"
        ? `Option ${issue.path[1] + 1}`
        : (names[field] ?? "The question");
    if (issue.code === "too_big" && issue.path.length === 1 && field === "options")
      return { problem: "A question has at most six options." };
    if (issue.code === "too_big") return { problem: `${what} is too long.` };
    if (issue.code === "too_small" && field === "options" && issue.path.length === 1)
      return { problem: "A question needs at least two options." };
    if (issue.code === "too_small") return { problem: `${what} can't be empty.` };
    return { problem: `${what} is not valid.` };
  }
  const question = normalizeQuestion(parsed.data);
  if (question) return { question };
  if (edit.type === "true-false") return { problem: "A true/false question's answer must be True or False." };
  return { problem: "The answer must be one of the options." };
}

/** The first problem with the text of an edit's fields, or null. */
function editedTextProblem(edit: GeneratedQuestion): string | null {
  const problem =
    textProblem(edit.question, "The question", { required: true }) ??
    textProblem(edit.explanation, "The explanation", { required: false });
  if (problem) return problem;
  if (edit.type === "true-false") return textProblem(edit.correctAnswer, "The answer", { required: true });
  const options = edit.options.map(cleanLine);
  for (const [index, option] of edit.options.entries()) {
    const what = `Option ${index + 1}`;
    const optionProblem = textProblem(option, what, { required: true });
    if (optionProblem) return optionProblem;
    if (/[\r\n]/.test(option)) return `${what} has a line break; an option is one line.`;
    const first = options.findIndex((other) => sameOption(other, options[index]!));
    if (first < index)
      return options[first] === options[index]
        ? `Options ${first + 1} and ${index + 1} are both "${options[index]}"; change or remove one.`
        : `Options ${first + 1} and ${index + 1} differ only in case ("${options[first]}", "${options[index]}"); change or remove one.`;
  }
  if (visibleLength(edit.correctAnswer) === 0) return "Choose which option is the right answer.";
  return textProblem(edit.correctAnswer, "The answer", { required: true });
}

/**
 * The question cleaned up (ends of lines trimmed, runs of spaces made one,
 * line breaks kept in the question and the explanation, control and invisible
 * characters at the edges gone, canonical true/false options, the correct
 * answer spelled exactly as its option), or null if it is not usable: no
 * visible text, fewer than two distinct options, or a correct answer that is
 * not an option. For a generated question, options with no visible text and
 * options repeated (case aside) are dropped; an edit with those was refused
 * first (`checkEditedQuestion`).
 */
export function normalizeQuestion(raw: GeneratedQuestion): GeneratedQuestion | null {
  const question = cleanLines(raw.question);
  const explanation = cleanLines(raw.explanation);
  const answer = cleanLine(raw.correctAnswer);
  if (visibleLength(question) === 0) return null;

  if (raw.type === "true-false") {
    const correct = TRUE_FALSE.find((o) => sameOption(o, answer));
    if (!correct) return null;
    return { ...raw, question, explanation, options: [...TRUE_FALSE], correctAnswer: correct };
  }

  const options: string[] = [];
  for (const option of raw.options.map(cleanLine)) {
    if (visibleLength(option) > 0 && !options.some((o) => sameOption(o, option))) options.push(option);
  }
  const correct = options.find((o) => sameOption(o, answer));
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

/** Two options are the same when they differ only in case. */
function sameOption(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** One line: every run of white space made one space, unreadable characters gone, trimmed. */
function cleanLine(text: string): string {
  return trimInvisible(withoutUnreadable(text).replace(/\s+/g, " "));
}

/** Lines kept (at most one blank line in a row), each tidied like `cleanLine`. */
function cleanLines(text: string): string {
  const lines = withoutUnreadable(text)
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim());
  return trimInvisible(lines.join("\n").replace(/\n{3,}/g, "\n\n"));
}
