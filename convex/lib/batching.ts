/**
 * The batcher of an attempt: which questions wait to be saved, and when they
 * are saved (the policy behind "the first question is visible at once, then
 * small batches", with a heartbeat when nothing arrives). Pure.
 */
import { JOB_CONFIG } from "../../lib/constants/jobs";
import type { QuestionToSave } from "../../lib/validators";

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

/** The questions waiting to be saved, and when the next save is due (`msUntilSaveDue`). */
export class Batcher {
  private buffer: QuestionToSave[] = [];
  private oldestBufferedAt: number | null = null;
  private lastSaveAt: number;

  constructor(
    now: number,
    private readonly policy: BatchPolicy = JOB_CONFIG,
  ) {
    this.lastSaveAt = now;
  }

  get size(): number {
    return this.buffer.length;
  }

  add(questions: readonly QuestionToSave[], now: number): void {
    if (questions.length === 0) return;
    this.buffer.push(...questions);
    this.oldestBufferedAt ??= now;
  }

  /** Keeps only the first `count` waiting questions (the rest are beyond what the job needs). */
  limit(count: number): void {
    this.buffer = this.buffer.slice(0, Math.max(0, count));
    if (this.buffer.length === 0) this.oldestBufferedAt = null;
  }

  /** Milliseconds until a save is due, given how many questions this attempt has saved. */
  msUntilDue(savedByAttempt: number, now: number): number {
    return msUntilSaveDue(this.state(savedByAttempt), now, this.policy);
  }

  /** The waiting questions, taken out for a save. */
  drain(): QuestionToSave[] {
    const questions = this.buffer;
    this.buffer = [];
    this.oldestBufferedAt = null;
    return questions;
  }

  /** A save (or heartbeat) has just finished. */
  saved(now: number): void {
    this.lastSaveAt = now;
  }

  private state(savedByAttempt: number): BatchState {
    const { buffer, oldestBufferedAt, lastSaveAt } = this;
    return { buffered: buffer.length, oldestBufferedAt, lastSaveAt, savedByAttempt };
  }
}
