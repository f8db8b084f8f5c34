/**
 * `npm run check-questions` as a user runs it (a child process): its output, its errors (each
 * message also checked in-process, which is quicker than a process per case), and
 * the checker's precision and recall on the labelled examples of
 * `tests/fixtures/question-flaws/` (the rules were tuned on `tuning.json` and
 * `duplicates-tuning.json` only; the held-out files were checked, not tuned on).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { QUESTION_FLAW_CODES } from "../lib/validators";
import { checkQuestionsCli } from "./check-questions";
import { markdownTable } from "../tests/support/markdownTable";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const fixtures = path.join(root, "tests/fixtures/question-flaws");
const script = path.join(root, "scripts/check-questions.ts");
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
/** A test that starts processes: several run at once on a shared machine, each starting tsx. */
const PROCESS_TIMEOUT_MS = 60_000;
const scratch = mkdtempSync(path.join(tmpdir(), "check-questions-"));

type Run = { code: number; stdout: string; stderr: string };

/** Runs the CLI (`node --import tsx scripts/check-questions.ts ...`, what the npm script runs). */
function checkQuestions(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", tsx, script, ...args], { cwd: root }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

function file(name: string, content: unknown): string {
  const target = path.join(scratch, name);
  writeFileSync(target, typeof content === "string" ? content : JSON.stringify(content));
  return target;
}

const question = (id: unknown, text: string, options: string[], explanation = "See the notes.") => ({
  id,
  question: text,
  type: "multiple-choice",
  options,
  correctAnswer: options[0],
  explanation,
  difficulty: "easy",
});

const lines = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { id: unknown; flags: string[] });

const reports: string[] = [];
afterAll(() => {
  if (reports.length > 0) console.log(reports.join("\n\n"));
});

describe("check-questions", () => {
  it.concurrent(
    "prints one line per question, exactly {id, flags}, through the npm script",
    async () => {
      const input = file("questions.json", [
        question("q1", "Which gas do plants absorb for photosynthesis?", ["Carbon dioxide", "Oxygen", "Nitrogen"]),
        question(2, "Which of these is NOT usually a mammal?", ["Shark", "Whale", "All of the above"]),
      ]);
      const npm = await new Promise<Run>((resolve) => {
        execFile("npm", ["run", "--silent", "check-questions", "--", input], { cwd: root }, (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
      expect(npm).toEqual({
        code: 0,
        stdout:
          '{"id":"q1","flags":[]}\n' + '{"id":2,"flags":["ALL_OR_NONE_OF_THE_ABOVE","NEGATIVE_STEM","VAGUE_TERMS"]}\n',
        stderr: "",
      });
    },
    PROCESS_TIMEOUT_MS,
  );

  it("judges DUPLICATE_QUESTION only against --collection, and never a question against itself", () => {
    const paris = question("p", "What is the capital of France?", ["Paris", "Lyon", "Nice"]);
    const paraphrase = question("p2", "Which city is France's capital?", ["Paris", "Lille", "Nice"]);
    const input = file("pair.json", [paris, paraphrase]);
    const owned = file("owned.json", [paris]);
    expect(lines(checkQuestionsCli([input]).stdout)).toEqual([
      { id: "p", flags: [] },
      { id: "p2", flags: [] },
    ]);
    expect(lines(checkQuestionsCli([input, "--collection", owned]).stdout)).toEqual([
      { id: "p", flags: [] },
      { id: "p2", flags: ["DUPLICATE_QUESTION"] },
    ]);
  });

  it.each([
    ["a missing file", () => [path.join(scratch, "nope.json")], /Cannot read .*nope\.json: no such file\./],
    ["a file that is not JSON", () => [file("bad.json", "[{")], /bad\.json is not valid JSON/],
    [
      "JSON that is not an array",
      () => [file("object.json", { id: 1 })],
      /must hold a JSON array of questions, not an object/,
    ],
    [
      "an item that is not an object",
      () => [file("items.json", ["text"])],
      /question 1 is "text", not a question object/,
    ],
    [
      "a question without an id",
      () => [file("noid.json", [{ ...question("x", "Q?", ["a", "b"]), id: undefined }])],
      /question 1: has no "id"/,
    ],
    [
      "a question without its text",
      () => [file("notext.json", [{ ...question("x", "Q?", ["a", "b"]), question: undefined }])],
      /question 1 \(id "x"\): "question" must be a string \(it is missing\)/,
    ],
    [
      "options that are not strings",
      () => [
        file("options.json", [question("x", "Q?", ["a", "b"]), { ...question("y", "Q?", ["a"]), options: "a, b" }]),
      ],
      /question 2 \(id "y"\): "options" must be an array of strings/,
    ],
    [
      "an unknown type",
      () => [file("type.json", [{ ...question("x", "Q?", ["a", "b"]), type: "essay" }])],
      /"type" must be "multiple-choice" or "true-false"/,
    ],
    [
      "an answer that is not an option",
      () => [file("answer.json", [{ ...question("x", "Q?", ["a", "b"]), correctAnswer: "c" }])],
      /"correctAnswer" \("c"\) is not one of its "options"/,
    ],
    [
      "a bad collection",
      () => [file("fine.json", []), "--collection", file("coll.json", "nope")],
      /coll\.json is not valid JSON/,
    ],
    ["an unknown flag", () => [file("fine2.json", []), "--frobnicate"], /Unknown option --frobnicate\.\nUsage:/],
    ["no FILE", () => [], /No FILE given\.\nUsage: npm run --silent check-questions -- FILE/],
  ])("refuses %s with a message on stderr and exit code 2", (_, args, message) => {
    const run = checkQuestionsCli(args());
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^check-questions: [^\n]+\n(Usage: [^\n]+\n)?$/);
    expect(run.stderr).toMatch(message);
  });

  it.concurrent.each([
    ["a file that is not JSON", () => [file("broken.json", "[{")], /broken\.json is not valid JSON/],
    ["an unknown flag", () => [file("empty.json", []), "--frobnicate"], /Unknown option --frobnicate\./],
  ])(
    "as a process, refuses %s on stderr with exit code 2 and no stack trace",
    async (_, args, message) => {
      const run = await checkQuestions(...args());
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    },
    PROCESS_TIMEOUT_MS,
  );

  describe("on the labelled examples", () => {
    type Labelled = { id: string; expected: string[] };
    const labelled = (name: string) => JSON.parse(readFileSync(path.join(fixtures, name), "utf8")) as Labelled[];

    /** Per code: how many questions have it, are flagged with it, and both. */
    function score(expected: Labelled[], flagged: Array<{ id: unknown; flags: string[] }>) {
      const flagsOf = new Map(flagged.map((line) => [line.id, line.flags]));
      const counts = Object.fromEntries(
        QUESTION_FLAW_CODES.map((code) => [code, { expected: 0, flagged: 0, both: 0 }]),
      );
      let clean = 0;
      let cleanFlagged = 0;
      for (const item of expected) {
        const flags = flagsOf.get(item.id)!;
        expect(flags, item.id).toBeDefined();
        if (item.expected.length === 0) {
          clean++;
          if (flags.length > 0) cleanFlagged++;
        }
        for (const code of QUESTION_FLAW_CODES) {
          const isExpected = item.expected.includes(code);
          const isFlagged = flags.includes(code);
          counts[code]!.expected += Number(isExpected);
          counts[code]!.flagged += Number(isFlagged);
          counts[code]!.both += Number(isExpected && isFlagged);
        }
      }
      const total = Object.values(counts).reduce(
        (sum, count) => ({
          expected: sum.expected + count.expected,
          flagged: sum.flagged + count.flagged,
          both: sum.both + count.both,
        }),
        { expected: 0, flagged: 0, both: 0 },
      );
      return { counts, total, clean, cleanFlagged };
    }

    const ratio = (part: number, whole: number) => (whole === 0 ? 1 : part / whole);
    const percent = (part: number, whole: number) => (whole === 0 ? "n/a" : `${Math.round((100 * part) / whole)}%`);

    it.concurrent.each([
      ["tuning", "tuning.json", "duplicates-tuning.json"],
      ["held-out", "held-out.json", "duplicates-held-out.json"],
    ])(
      "meets the targets on the %s part",
      async (part, flawsFile, duplicatesFile) => {
        const flaws = labelled(flawsFile);
        const probes = labelled(duplicatesFile);
        const [flawRun, duplicateRun] = await Promise.all([
          checkQuestions(path.join(fixtures, flawsFile)),
          checkQuestions(path.join(fixtures, duplicatesFile), "--collection", path.join(fixtures, "owned.json")),
        ]);
        expect(flawRun.code).toBe(0);
        expect(duplicateRun.code).toBe(0);
        const { counts, total, clean, cleanFlagged } = score(flaws, lines(flawRun.stdout));
        const duplicates = score(probes, lines(duplicateRun.stdout));
        const found = duplicates.counts.DUPLICATE_QUESTION!;
        const nearMisses = probes.length - found.expected;
        const falseAlarms = found.flagged - found.both;

        reports.push(
          `check-questions on the ${part} part (${flaws.length} questions, ${clean} clean; ${probes.length} duplicate probes)\n` +
            markdownTable(
              ["code", "labelled", "flagged", "correct", "precision", "recall"],
              [
                ...Object.entries({ ...counts, DUPLICATE_QUESTION: found }).map(([code, count]) => [
                  code,
                  count.expected,
                  count.flagged,
                  count.both,
                  percent(count.both, count.flagged),
                  percent(count.both, count.expected),
                ]),
                [
                  "all flaw codes",
                  total.expected,
                  total.flagged,
                  total.both,
                  percent(total.both, total.flagged),
                  percent(total.both, total.expected),
                ],
                ["clean questions flagged", clean, cleanFlagged, "", percent(cleanFlagged, clean), ""],
                ["near-miss probes flagged", nearMisses, falseAlarms, "", percent(falseAlarms, nearMisses), ""],
              ],
              { alignNumbers: true },
            ),
        );

        expect(ratio(total.both, total.flagged)).toBeGreaterThanOrEqual(0.9);
        expect(ratio(total.both, total.expected)).toBeGreaterThanOrEqual(0.85);
        expect(ratio(cleanFlagged, clean)).toBeLessThanOrEqual(0.05);
        expect(ratio(found.both, found.expected)).toBeGreaterThanOrEqual(0.85);
        expect(ratio(falseAlarms, nearMisses)).toBeLessThanOrEqual(0.1);
      },
      PROCESS_TIMEOUT_MS,
    );
  });
});
