/**
 * `npm run --silent check-questions -- FILE [--collection OWNED.json]`: the question checker
 * (`lib/questionFlaws.ts`) on a file of questions. Prints one JSON line per question, in order:
 *
 *   {"id":"q1","flags":["ANSWER_IN_STEM","VAGUE_TERMS"]}
 *
 * FILE is a JSON array of questions in the stored shape (question, type, options,
 * correctAnswer, explanation; other fields are ignored; "multiple_choice" and "true_false" are
 * read as "multiple-choice" and "true-false"), each with an "id". With
 * `--collection`, DUPLICATE_QUESTION is judged against OWNED's questions as the learner's
 * collection, found through the same band keys the database uses (a question is not compared
 * with an owned one of the same id: that is itself). Without it, DUPLICATE_QUESTION is never
 * reported: the questions of FILE are not each other's collection.
 *
 * Bad input (a missing file, not JSON, not an array, a question without its fields, an
 * unknown flag) is reported on stderr with exit code 2.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DuplicateIndex } from "../lib/questionDuplicates";
import { findQuestionFlaws, type CheckableQuestion } from "../lib/questionFlaws";

const USAGE = "Usage: npm run --silent check-questions -- FILE [--collection OWNED.json]";

type InputQuestion = CheckableQuestion & { id: unknown };

class InputError extends Error {}

/** What a run prints and its exit code: the CLI without its process, so tests can call it in-process too. */
export type CliResult = { exitCode: number; stdout: string; stderr: string };

/** Runs `check-questions` with these arguments (what follows `--`). */
export function checkQuestionsCli(args: string[]): CliResult {
  try {
    return { exitCode: 0, stdout: run(args), stderr: "" };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { exitCode: 2, stdout: "", stderr: `check-questions: ${error.message}\n` };
  }
}

function run(args: string[]): string {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { collection: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
    });
  } catch (error) {
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message);
    throw new InputError(`${unknown ? `Unknown option ${unknown[1]}.` : (error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return `${USAGE}\n`;
  if (positionals.length !== 1) {
    throw new InputError(`${positionals.length === 0 ? "No FILE given." : "Give one FILE."}\n${USAGE}`);
  }
  const questions = readQuestions(positionals[0]!, { idRequired: true });
  const index = new DuplicateIndex<InputQuestion>();
  if (values.collection !== undefined) {
    for (const owned of readQuestions(values.collection, { idRequired: false })) index.add(owned);
  }
  return questions
    .map((question) => {
      const owned =
        values.collection === undefined
          ? undefined
          : index.candidates(question).filter((candidate) => !sameId(candidate, question));
      const flags = findQuestionFlaws(question, { owned }).map((flaw) => flaw.code);
      return `${JSON.stringify({ id: question.id, flags })}\n`;
    })
    .join("");
}

function sameId(a: InputQuestion, b: InputQuestion): boolean {
  return a.id !== undefined && JSON.stringify(a.id) === JSON.stringify(b.id);
}

/** The questions of a file, checked field by field; an `InputError` saying what is wrong otherwise. */
function readQuestions(file: string, { idRequired }: { idRequired: boolean }): InputQuestion[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (error as Error).message;
    throw new InputError(`Cannot read ${file}: ${why}.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) throw new InputError(`${file} must hold a JSON array of questions, not ${describe(data)}.`);
  return data.map((item, position) => toQuestion(item, `${file}: question ${position + 1}`, idRequired));
}

function toQuestion(item: unknown, where: string, idRequired: boolean): InputQuestion {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    throw new InputError(`${where} is ${describe(item)}, not a question object.`);
  }
  const record = item as Record<string, unknown>;
  const label = record.id === undefined ? where : `${where} (id ${JSON.stringify(record.id)})`;
  const fail = (message: string): never => {
    throw new InputError(`${label}: ${message}`);
  };
  if (idRequired && (record.id === undefined || record.id === null)) fail('has no "id".');
  for (const field of ["question", "correctAnswer", "explanation"] as const) {
    if (typeof record[field] !== "string") fail(`"${field}" must be a string (it is ${describe(record[field])}).`);
  }
  if ((record.question as string).trim() === "") fail('"question" is empty.');
  const type =
    record.type === "multiple_choice" ? "multiple-choice" : record.type === "true_false" ? "true-false" : record.type;
  if (type !== "multiple-choice" && type !== "true-false") {
    fail(`"type" must be "multiple-choice" or "true-false" (it is ${describe(record.type)}).`);
  }
  const options = record.options;
  if (!Array.isArray(options) || options.some((option) => typeof option !== "string")) {
    fail(`"options" must be an array of strings (it is ${describe(options)}).`);
  }
  const answer = (record.correctAnswer as string).trim().toLowerCase();
  if (!(options as string[]).some((option) => option.trim().toLowerCase() === answer)) {
    fail(`"correctAnswer" (${JSON.stringify(record.correctAnswer)}) is not one of its "options".`);
  }
  return {
    id: record.id,
    question: record.question as string,
    type: type as CheckableQuestion["type"],
    options: options as string[],
    correctAnswer: record.correctAnswer as string,
    explanation: record.explanation as string,
  };
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = checkQuestionsCli(process.argv.slice(2));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}
