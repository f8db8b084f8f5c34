import { describe, expect, test } from "vitest";
import { makeQuestion } from "../../tests/support/scriptedModels";
import { Batcher, isSaveDue, msUntilSaveDue, type BatchState } from "./batching";

const policy = { BATCH_SIZE: 5, BATCH_MAX_WAIT_MS: 1500, HEARTBEAT_INTERVAL_MS: 10_000 };
const at = (state: Partial<BatchState>): BatchState => ({
  buffered: 0,
  oldestBufferedAt: null,
  lastSaveAt: 0,
  savedByAttempt: 0,
  ...state,
});

describe("when questions are saved", () => {
  test("the first question of an attempt is saved at once", () => {
    expect(isSaveDue(at({ buffered: 1, oldestBufferedAt: 100 }), 100, policy)).toBe(true);
  });

  test("later questions wait for a full batch or the maximum wait", () => {
    const state = at({ buffered: 2, oldestBufferedAt: 1000, savedByAttempt: 1 });
    expect(isSaveDue(state, 1000, policy)).toBe(false);
    expect(msUntilSaveDue(state, 1000, policy)).toBe(1500);
    expect(isSaveDue(state, 2499, policy)).toBe(false);
    expect(isSaveDue(state, 2500, policy)).toBe(true);
    expect(isSaveDue({ ...state, buffered: 5 }, 1000, policy)).toBe(true);
  });

  test("with nothing to save, a heartbeat is due every interval", () => {
    const idle = at({ lastSaveAt: 1000, savedByAttempt: 3 });
    expect(msUntilSaveDue(idle, 1000, policy)).toBe(10_000);
    expect(isSaveDue(idle, 10_999, policy)).toBe(false);
    expect(isSaveDue(idle, 11_000, policy)).toBe(true);
  });

  test("the heartbeat also bounds the wait of a buffered question", () => {
    const state = at({ buffered: 1, oldestBufferedAt: 10_500, lastSaveAt: 1000, savedByAttempt: 1 });
    expect(msUntilSaveDue(state, 10_500, policy)).toBe(500);
  });
});

describe("Batcher", () => {
  const question = (i: number) => makeQuestion(i);

  test("holds questions until a save is due, then hands them over in order", () => {
    const batcher = new Batcher(0, policy);
    expect(batcher.msUntilDue(0, 0)).toBe(policy.HEARTBEAT_INTERVAL_MS);
    batcher.add([question(0)], 100);
    expect(batcher.msUntilDue(0, 100)).toBe(0); // the attempt's first question: at once
    expect(batcher.drain()).toEqual([question(0)]);
    batcher.saved(120);
    batcher.add([question(1), question(2)], 200);
    expect(batcher.size).toBe(2);
    expect(batcher.msUntilDue(1, 200)).toBe(policy.BATCH_MAX_WAIT_MS);
    batcher.add([question(3), question(4), question(5)], 300);
    expect(batcher.msUntilDue(1, 300)).toBe(0); // a full batch
    expect(batcher.drain().map((q) => q.question)).toEqual([1, 2, 3, 4, 5].map((i) => question(i).question));
    expect(batcher.size).toBe(0);
  });

  test("the wait runs from the oldest waiting question, and a heartbeat from the last save", () => {
    const batcher = new Batcher(0, policy);
    batcher.add([question(1)], 1000);
    batcher.add([question(2)], 2000);
    expect(batcher.msUntilDue(1, 2000)).toBe(500);
    batcher.drain();
    batcher.saved(3000);
    expect(batcher.msUntilDue(2, 3000)).toBe(policy.HEARTBEAT_INTERVAL_MS);
  });

  test("limit keeps only what the job still needs", () => {
    const batcher = new Batcher(0, policy);
    batcher.add([question(1), question(2), question(3)], 0);
    batcher.limit(2);
    expect(batcher.drain()).toEqual([question(1), question(2)]);
    batcher.add([question(4)], 10);
    batcher.limit(0);
    expect(batcher.size).toBe(0);
    expect(batcher.msUntilDue(1, 10)).toBe(policy.HEARTBEAT_INTERVAL_MS - 10);
  });
});
