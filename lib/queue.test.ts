import { describe, expect, test } from "vitest";
import { JOB_CONFIG } from "./constants/jobs";
import {
  formatQueuePlace,
  formatStartEstimate,
  makesWay,
  queueStartEstimate,
  type PoolState,
  type RunningJob,
} from "./queue";

const NOW = 1_000_000;
const full: PoolState = { running: 10, maxParallel: 10, avgAttemptMs: 30_000, waitUntil: null };

describe("queueStartEstimate", () => {
  test("with a free slot, the next job starts now", () => {
    expect(queueStartEstimate(1, { ...full, running: 9 }, NOW)).toBe(NOW);
  });

  test("in a full pool, slots free at maxParallel per average attempt", () => {
    expect(queueStartEstimate(1, full, NOW)).toBe(NOW + 3000);
    expect(queueStartEstimate(30, full, NOW)).toBe(NOW + 90_000);
    expect(queueStartEstimate(12, { ...full, running: 8 }, NOW)).toBe(NOW + 30_000);
  });

  test("nothing starts before a backoff or the quota allows", () => {
    expect(queueStartEstimate(1, { ...full, running: 0, waitUntil: NOW + 5000 }, NOW)).toBe(NOW + 5000);
    expect(queueStartEstimate(1, { ...full, waitUntil: NOW - 5000 }, NOW)).toBe(NOW + 3000);
  });
});

describe("formatQueuePlace", () => {
  test.each([
    [1, false, "next in line"],
    [2, false, "2nd in line"],
    [3, false, "3rd in line"],
    [4, false, "4th in line"],
    [11, false, "11th in line"],
    [12, false, "12th in line"],
    [21, false, "21st in line"],
    [101, true, "100+ in line"],
  ])("%i (capped: %s) → %s", (place, capped, text) => {
    expect(formatQueuePlace(place, capped)).toBe(text);
  });
});

describe("formatStartEstimate", () => {
  test.each([
    [0, "starting now"],
    [2500, "starting now"],
    [40_000, "starts in about 40 s"],
    [90_000, "starts in about 2 min"],
    [2 * 3600_000 + 5 * 60_000, "starts in about 2 h 5 min"],
  ])("%i ms → %s", (ms, text) => {
    expect(formatStartEstimate(NOW + ms, NOW)).toBe(text);
  });
});

describe("makesWay", () => {
  const later: RunningJob = { userId: "ann", sourced: false, yields: 0, questionsSaved: 1, estimatedTotal: 10 };
  const first = { round: 0, userId: "bob" };

  test("a running job with questions saved gives its slot to another learner's first job waiting for a full pool", () => {
    expect(makesWay(later, first, full, NOW)).toBe(true);
  });

  test("not for a later job, the learner's own job, or with a slot free or dispatching held back", () => {
    expect(makesWay(later, null, full, NOW)).toBe(false);
    expect(makesWay(later, { round: 1, userId: "bob" }, full, NOW)).toBe(false);
    expect(makesWay(later, { round: 0, userId: "ann" }, full, NOW)).toBe(false);
    expect(makesWay(later, first, { ...full, running: 9 }, NOW)).toBe(false);
    expect(makesWay(later, first, { ...full, waitUntil: NOW + 1 }, NOW)).toBe(false);
    expect(makesWay(later, first, { ...full, waitUntil: NOW - 1 }, NOW)).toBe(true);
  });

  test("only a job whose learner has questions from it, with MIN_QUESTIONS_LEFT_TO_YIELD still to write, not over a source", () => {
    expect(makesWay({ ...later, questionsSaved: 0 }, first, full, NOW)).toBe(false);
    const left = JOB_CONFIG.MIN_QUESTIONS_LEFT_TO_YIELD;
    expect(makesWay({ ...later, questionsSaved: 10 - left }, first, full, NOW)).toBe(true);
    expect(makesWay({ ...later, questionsSaved: 10 - left + 1 }, first, full, NOW)).toBe(false);
    expect(makesWay({ ...later, estimatedTotal: undefined }, first, full, NOW)).toBe(
      JOB_CONFIG.DEFAULT_QUESTIONS - 1 >= left,
    );
    expect(makesWay({ ...later, sourced: true }, first, full, NOW)).toBe(false);
  });

  test("at most MAX_YIELDS_PER_JOB times", () => {
    expect(makesWay({ ...later, yields: JOB_CONFIG.MAX_YIELDS_PER_JOB - 1 }, first, full, NOW)).toBe(true);
    expect(makesWay({ ...later, yields: JOB_CONFIG.MAX_YIELDS_PER_JOB }, first, full, NOW)).toBe(false);
  });
});
