/** A job's plan over a source: steps from the spread, what each step must reach, where the job shows it is. */
import { describe, expect, it } from "vitest";
import { JOB_CONFIG } from "./constants/jobs";
import {
  estimateRemainingTokens,
  estimateStepTokens,
  jobSourceAt,
  planSourceJob,
  stepTarget,
  suggestedQuestionCount,
} from "./sourcePlan";
import type { JobSource, SectionPlace } from "./validators";

const SOURCE_ID = "k17source" as JobSource["sourceId"];

/** Sections of the given lengths, one after the other. */
function sections(...lengths: number[]): SectionPlace[] {
  let start = 0;
  return lengths.map((length, i) => {
    const place = { start, end: start + length, heading: `Part ${i + 1}` };
    start += length;
    return place;
  });
}

describe("planSourceJob", () => {
  it("keeps the sections that get questions, in order, with their counts adding up to the total", () => {
    const plan = planSourceJob(sections(1000, 3000, 1000, 5000), 10);
    expect(plan).toEqual({
      base: 0,
      step: 0,
      steps: [
        { section: 0, questions: 1, chars: 1000, heading: "Part 1" },
        { section: 1, questions: 3, chars: 3000, heading: "Part 2" },
        { section: 2, questions: 1, chars: 1000, heading: "Part 3" },
        { section: 3, questions: 5, chars: 5000, heading: "Part 4" },
      ],
    });
  });

  it("with more sections than questions, only some sections are steps", () => {
    const plan = planSourceJob(sections(...Array<number>(30).fill(1000)), 5);
    expect(plan.steps).toHaveLength(5);
    expect(plan.steps.every((s) => s.questions === 1)).toBe(true);
    expect(new Set(plan.steps.map((s) => s.section)).size).toBe(5);
  });
});

describe("stepTarget", () => {
  it("is what the job holds once a step is done: the base plus every step's questions up to it", () => {
    const plan = { ...planSourceJob(sections(1000, 3000, 1000, 5000), 10, 20), step: 2 };
    expect(stepTarget(plan)).toBe(25);
    expect([0, 1, 2, 3].map((step) => stepTarget(plan, step))).toEqual([21, 24, 25, 30]);
    expect(stepTarget(plan, -1)).toBe(20);
  });
});

describe("jobSourceAt", () => {
  it("says which of its sections the job is on, from 1, and where that section is", () => {
    const plan = { ...planSourceJob(sections(1000, 3000), 4), step: 1 };
    expect(jobSourceAt(plan, { sourceId: SOURCE_ID, name: "notes.md" })).toEqual({
      sourceId: SOURCE_ID,
      name: "notes.md",
      step: 2,
      steps: 2,
      heading: "Part 2",
    });
  });
});

describe("estimates", () => {
  const plan = planSourceJob(sections(8000, 12000), 10);
  const job = { prompt: "Focus on dates", questionsSaved: 0, sourcePlan: plan };

  it("a step costs its section's text and its questions, not the whole source's", () => {
    const first = estimateStepTokens(job, 1000);
    const second = estimateStepTokens(job, 1000, 1);
    expect(first).toBeGreaterThan(8000 / 4);
    expect(first).toBeLessThan(20000 / 4);
    expect(second).toBeGreaterThan(first);
    expect(estimateRemainingTokens(job, 1000)).toBe(first + second);
  });

  it("a step half done costs only the questions it still misses", () => {
    const whole = estimateStepTokens(job, 1000);
    const half = estimateStepTokens({ ...job, questionsSaved: 2 }, 1000);
    expect(half).toBeLessThan(whole);
    expect(estimateStepTokens(job, 1000, 5)).toBe(0);
    expect(whole).toBeLessThan(JOB_CONFIG.MAX_ATTEMPT_TOKENS);
  });
});

describe("suggestedQuestionCount", () => {
  it("suggests a question per stretch of text, within the job's bounds", () => {
    expect(suggestedQuestionCount(14_000)).toBe(9);
    expect(suggestedQuestionCount(300)).toBe(JOB_CONFIG.MIN_QUESTIONS);
    expect(suggestedQuestionCount(300_000)).toBe(JOB_CONFIG.MAX_QUESTIONS);
  });
});
