import { describe, expect, test } from "vitest";
import { JOB_CONFIG } from "./constants/jobs";
import { countdownMs, formatClock, formatStalled, formatTimeLeft, jobTiming, tryNumber } from "./timing";

const T0 = 1_000_000;
const job = (fields: Partial<Parameters<typeof jobTiming>[0]> = {}): Parameters<typeof jobTiming>[0] => ({
  status: "processing",
  phase: "generating",
  createdAt: T0 - 1000,
  startedAt: T0,
  lastProgressAt: T0,
  questionsSaved: 0,
  estimatedTotal: 10,
  attempts: 1,
  ...fields,
});

describe("jobTiming", () => {
  test("no estimate before the attempt has saved a question", () => {
    expect(jobTiming(job(), T0 + 3000)).toEqual({ elapsedMs: 3000, leftMs: null, stalledMs: null });
    expect(jobTiming(job({ estimatedTotal: undefined, phase: "planning" }), T0 + 500)).toEqual({
      elapsedMs: 500,
      leftMs: null,
      stalledMs: null,
    });
  });

  test("the observed rate: 2 questions in 4 s, 8 to go → 16 s after the latest save", () => {
    const running = job({ questionsSaved: 2, lastProgressAt: T0 + 4000 });
    expect(jobTiming(running, T0 + 4000)).toEqual({ elapsedMs: 4000, leftMs: 16_000, stalledMs: null });
    // It counts down between saves, and never below zero.
    expect(jobTiming(running, T0 + 10_000).leftMs).toBe(10_000);
    expect(jobTiming(running, T0 + 20_000).leftMs).toBe(0);
  });

  test("a resumed attempt's rate counts only its own questions", () => {
    const resumed = job({
      attempts: 2,
      questionsSaved: 6,
      lastProgressAt: T0 + 2000,
      attemptHistory: [
        { attempt: 1, startedAt: T0 - 60_000, endedAt: T0 - 30_000, outcome: "paused", questionsSaved: 5 },
        { attempt: 2, startedAt: T0 },
      ],
    });
    // 1 question in 2 s this attempt, 4 to go.
    expect(jobTiming(resumed, T0 + 2000).leftMs).toBe(8000);
  });

  test("queued jobs have an elapsed time only; finished and paused ones have neither", () => {
    expect(jobTiming(job({ status: "pending", startedAt: undefined }), T0)).toEqual({
      elapsedMs: 1000,
      leftMs: null,
      stalledMs: null,
    });
    for (const status of ["paused", "completed", "failed", "cancelled"] as const) {
      expect(jobTiming(job({ status, questionsSaved: 3, lastProgressAt: T0 + 1000 }), T0 + 2000)).toEqual({
        elapsedMs: null,
        leftMs: null,
        stalledMs: null,
      });
    }
  });

  test("a job silent past two heartbeats is stalled, not almost done; it counts up", () => {
    const running = job({ questionsSaved: 9, lastProgressAt: T0 + 4000 });
    const stalledAt = T0 + 4000 + JOB_CONFIG.STALLED_PROGRESS_AFTER_MS + 1;
    expect(jobTiming(running, stalledAt - 2)).toMatchObject({ stalledMs: null, leftMs: 0 });
    expect(jobTiming(running, T0 + 44_000)).toEqual({ elapsedMs: 44_000, leftMs: null, stalledMs: 40_000 });
    expect(formatStalled(40_000)).toBe("no progress for 40 s");
    expect(formatStalled(185_000)).toBe("no progress for 3 min");
  });

  test("a paused and resumed job keeps its clock; only failures count as another try", () => {
    const resumed = job({
      attempts: 3,
      startedAt: T0,
      attemptHistory: [
        { attempt: 1, startedAt: T0 - 90_000, endedAt: T0 - 80_000, outcome: "failed", errorCode: "NETWORK" },
        { attempt: 2, startedAt: T0 - 60_000, endedAt: T0 - 30_000, outcome: "paused", questionsSaved: 5 },
        { attempt: 3, startedAt: T0 },
      ],
    });
    // 30 s before the pause, 2 s since the resume; the failed attempt before is another run.
    expect(jobTiming(resumed, T0 + 2000).elapsedMs).toBe(32_000);
    expect(tryNumber(resumed)).toBe(2);
    expect(tryNumber(job({ attempts: 2, attemptHistory: [{ attempt: 1, startedAt: T0, outcome: "paused" }] }))).toBe(1);
    expect(tryNumber(job({ attempts: 2 }))).toBe(2); // no history kept: every attempt counts
  });

  test("all saved: nothing left", () => {
    expect(jobTiming(job({ questionsSaved: 10, lastProgressAt: T0 + 5000 }), T0 + 5000).leftMs).toBe(0);
  });
});

describe("formatting", () => {
  test.each([
    [0, "almost done"],
    [1400, "almost done"],
    [7_200, "about 8 s left"],
    [59_000, "about 59 s left"],
    [61_000, "about 2 min left"],
    [3_600_000 + 25 * 60_000, "about 1 h 25 min left"],
  ])("formatTimeLeft(%i) = %s", (ms, text) => {
    expect(formatTimeLeft(ms)).toBe(text);
  });

  test.each([
    [-5, "0:00"],
    [7_900, "0:07"],
    [125_000, "2:05"],
    [3_723_000, "1:02:03"],
  ])("formatClock(%i) = %s", (ms, text) => {
    expect(formatClock(ms)).toBe(text);
  });

  test("countdownMs rounds up to whole seconds and stops at zero", () => {
    expect(countdownMs(T0 + 42_300, T0)).toBe(43_000);
    expect(countdownMs(T0 + 1, T0)).toBe(1000);
    expect(countdownMs(T0, T0)).toBe(0);
    expect(countdownMs(T0 - 5000, T0)).toBe(0);
  });
});
