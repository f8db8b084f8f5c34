import { describe, expect, test } from "vitest";
import { formatQueuePlace, formatStartEstimate, queueStartEstimate, type PoolState } from "./queue";

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
