import { describe, expect, test } from "vitest";
import {
  firstQuestionWaits,
  jainIndex,
  overtakenFirstJobs,
  percentile,
  replayQueue,
  roundsAtArrival,
  fittedOverheadMs,
  type ReplayJob,
} from "./scaleStats";

describe("percentile and Jain's index", () => {
  test("nearest rank", () => {
    const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  test("1 when equal, 1/n when one takes all, 0.75 for waits spread evenly from zero", () => {
    expect(jainIndex([3, 3, 3])).toBe(1);
    expect(jainIndex([0, 0, 0, 8])).toBe(0.25);
    expect(jainIndex([])).toBe(1);
    expect(jainIndex(Array.from({ length: 1001 }, (_, i) => i))).toBeCloseTo(0.75, 2);
  });
});

describe("replayQueue", () => {
  const job = (id: string, user: string, arrivedAt: number, holdMs = 10): ReplayJob => ({
    id,
    user,
    arrivedAt,
    holdMs,
    firstQuestionMs: 1,
  });
  // Ann asks for three jobs at 0, Bob and Cy for one each just after; one slot.
  const jobs = [job("a1", "ann", 0), job("a2", "ann", 0), job("a3", "ann", 0), job("b1", "bob", 1), job("c1", "cy", 2)];

  test("FIFO: everyone waits behind Ann's three jobs", () => {
    const replayed = replayQueue(jobs, 1, "fifo");
    expect(replayed.map((r) => [r.id, r.startedAt])).toEqual([
      ["a1", 0],
      ["a2", 10],
      ["a3", 20],
      ["b1", 30],
      ["c1", 40],
    ]);
    // Bob's and Cy's first jobs waited while Ann's second and third started.
    expect(overtakenFirstJobs(replayed)).toBe(2);
  });

  test("round robin: Bob's and Cy's first jobs go before Ann's second and third", () => {
    const replayed = replayQueue(jobs, 1, "round robin");
    expect(replayed.map((r) => r.id)).toEqual(["a1", "b1", "c1", "a2", "a3"]);
    const waits = firstQuestionWaits(replayed);
    expect(Object.fromEntries(waits)).toEqual({ ann: 1, bob: 10, cy: 19 });
    expect(overtakenFirstJobs(replayed)).toBe(0);
    expect(replayed.map((r) => r.round)).toEqual([0, 0, 0, 1, 2]);
  });

  test("a user whose jobs have finished starts again in round 0; two slots run two at once", () => {
    const later = [job("a1", "ann", 0), job("a2", "ann", 0), job("b1", "bob", 0), job("a3", "ann", 50)];
    const replayed = replayQueue(later, 2, "round robin");
    expect(replayed.map((r) => [r.id, r.startedAt])).toEqual([
      ["a1", 0],
      ["b1", 0],
      ["a2", 10],
      ["a3", 50],
    ]);
  });
});

describe("roundsAtArrival", () => {
  test("counts the user's earlier jobs not yet ended when a job arrives", () => {
    const jobs = [
      { id: "a1", user: "ann", arrivedAt: 0, endedAt: 10 },
      { id: "a2", user: "ann", arrivedAt: 0, endedAt: 20 },
      { id: "a3", user: "ann", arrivedAt: 15, endedAt: 30 },
      { id: "b1", user: "bob", arrivedAt: 5, endedAt: 6 },
    ];
    expect(roundsAtArrival(jobs).map((j) => [j.id, j.round])).toEqual([
      ["a1", 0],
      ["a2", 1],
      ["a3", 1],
      ["b1", 0],
    ]);
  });
});

describe("fittedOverheadMs", () => {
  test("finds the overhead per job that makes the replay end when the run did", () => {
    const jobs = ["a", "b", "c", "d"].map((user, i) => ({
      id: user,
      user,
      arrivedAt: i,
      runMs: 100,
      firstQuestionAfterStartMs: 10,
    }));
    // One slot: four jobs of 100 ms each plus 25 ms of overhead end at 500.
    expect(fittedOverheadMs(jobs, 1, "round robin", 500)).toBeCloseTo(25, 0);
    expect(fittedOverheadMs(jobs, 1, "round robin", 300)).toBe(0);
  });
});
