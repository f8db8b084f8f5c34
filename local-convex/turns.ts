/**
 * Turns at the event loop. Everything runs on one thread, so a client whose
 * work is processed in a loop (its queued frames, the sockets to sync after
 * a round) must hand the loop back now and then, or nobody else's messages
 * are even read meanwhile. Such loops call `yieldIfBusy()` between items:
 * once the loop has gone `TIME_SLICE_MS` without reaching I/O, it waits for
 * the next turn (`setImmediate`, after pending I/O).
 *
 * "Without reaching I/O" is measured with a marker: the first call schedules
 * a `setImmediate` that clears it; while it has not fired, the event loop
 * has not come round, for as long as it has been pending.
 */
import { TIME_SLICE_MS } from "./limits";

/** When the pending marker was scheduled; null when none is pending. */
let markerSince: number | null = null;

/** Undefined while the current turn lasts; otherwise a promise that resolves after pending I/O. */
export function yieldIfBusy(): Promise<void> | undefined {
  if (markerSince === null) {
    markerSince = performance.now();
    setImmediate(() => (markerSince = null));
    return undefined;
  }
  if (performance.now() - markerSince < TIME_SLICE_MS) return undefined;
  return new Promise<void>((resolve) => setImmediate(resolve));
}
