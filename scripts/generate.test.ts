/**
 * `npm run generate -- --source FILE --json` as a user runs it (a child process, the offline sample model):
 * on the project's two fixtures, the Markdown chapter and the text PDF (read in Node with the web app's own
 * PDF.js code), a job runs section by section and every question it prints has a verified quote, found in its
 * own section of the file's text. Bad input exits 2 with the reason.
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const script = path.join(root, "scripts/generate.ts");
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
/** Starts tsx and the in-process backend on a machine shared with other suites. */
const PROCESS_TIMEOUT_MS = 90_000;

type Run = { code: number; stdout: string; stderr: string };

/** Runs the CLI (`node --import tsx scripts/generate.ts ...`, what the npm script runs), the sample model at full speed. */
function generate(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ENABLE_SAMPLE_MODEL: "1", SAMPLE_MODEL_CHUNK_DELAY_MS: "0" };
  for (const key of ["GOOGLE_GENERATIVE_AI_API_KEY", "OPENAI_COMPATIBLE_BASE_URL"]) delete env[key];
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", tsx, script, ...args], { cwd: root, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

type Line = {
  n: number;
  question: string;
  quote: string | null;
  verified: boolean;
  generalKnowledge: boolean;
  section: { index: number; heading: string | null; pageStart: number | null } | null;
};

describe("npm run generate -- --source FILE --json", () => {
  it.each([
    ["the Markdown chapter", "tests/fixtures/sources/photosynthesis.md", 12, false],
    ["the text PDF", "tests/fixtures/sources/timekeeping.pdf", 8, true],
  ])(
    "%s: one JSON line per question, every quote verified",
    async (_label, file, count, pdf) => {
      const run = await generate("--source", file, "--count", String(count), "--json");
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const lines = run.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Line);
      expect(lines.map((line) => line.n)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      for (const line of lines) {
        expect(line).toMatchObject({ verified: true, generalKnowledge: false });
        expect(line.quote!.length).toBeGreaterThan(20);
        expect(line.section!.heading).not.toBeNull();
        if (pdf) expect(line.section!.pageStart).toBeGreaterThanOrEqual(1);
      }
      // The questions come from several sections, not one.
      expect(new Set(lines.map((line) => line.section!.index)).size).toBeGreaterThan(2);
    },
    PROCESS_TIMEOUT_MS,
  );

  it(
    "refuses a file it cannot use, and a count out of bounds, with the reason",
    async () => {
      const [scanned, count] = await Promise.all([
        generate("--source", "tests/fixtures/sources/scanned.pdf", "--json"),
        generate("--source", "tests/fixtures/sources/photosynthesis.md", "--count", "80"),
      ]);
      expect(scanned).toMatchObject({ code: 2, stdout: "" });
      expect(scanned.stderr).toContain("This PDF has no text to read");
      expect(count).toMatchObject({ code: 2, stdout: "" });
      expect(count.stderr).toContain(`ask for ${JOB_CONFIG.MIN_QUESTIONS} to ${JOB_CONFIG.MAX_QUESTIONS} questions.`);
    },
    PROCESS_TIMEOUT_MS,
  );
});
