import { describe, expect, test } from "vitest";
import { isSaveDue, msUntilSaveDue, type BatchState } from "./batching";

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
