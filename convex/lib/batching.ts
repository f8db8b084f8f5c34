/**
 * When `processJob` saves the questions it has buffered: the policy behind
 * "the first question is visible at once, then small batches". Pure: the
 * action asks `isSaveDue` after every element and sleeps `msUntilSaveDue`.
 */
import { JOB_CONFIG } from "../../lib/constants/jobs";

export type BatchPolicy = { BATCH_SIZE: number; BATCH_MAX_WAIT_MS: number; HEARTBEAT_INTERVAL_MS: number };

export type BatchState = {
  /** Questions waiting to be saved. */
  buffered: number;
  /** When the oldest of them arrived (ms), or null if none is waiting. */
  oldestBufferedAt: number | null;
  /** When the last `saveBatch` call finished (or the stream started). */
  lastSaveAt: number;
  /** Questions this attempt has saved so far. */
  savedByAttempt: number;
};

export function isSaveDue(state: BatchState, now: number, policy: BatchPolicy = JOB_CONFIG): boolean {
  return msUntilSaveDue(state, now, policy) === 0;
}

/** Milliseconds until a save is due: 0 now, otherwise the sooner of the
 * oldest question's wait running out and the next heartbeat. */
export function msUntilSaveDue(state: BatchState, now: number, policy: BatchPolicy = JOB_CONFIG): number {
  const heartbeatIn = state.lastSaveAt + policy.HEARTBEAT_INTERVAL_MS - now;
  if (state.buffered === 0 || state.oldestBufferedAt === null) return Math.max(0, heartbeatIn);
  // The first question of an attempt is saved the moment it is complete.
  if (state.savedByAttempt === 0 || state.buffered >= policy.BATCH_SIZE) return 0;
  const waitIn = state.oldestBufferedAt + policy.BATCH_MAX_WAIT_MS - now;
  return Math.max(0, Math.min(waitIn, heartbeatIn));
}
