/**
 * How much received and not yet handled WebSocket data the backend holds.
 * A socket's frames wait in its session's inbox until handled. A socket is
 * no longer read (TCP pushes back on its sender) while its inbox holds
 * `MAX_QUEUED_FRAMES_PER_SOCKET` frames or `MAX_QUEUED_BYTES_PER_SOCKET`
 * bytes, or while all inboxes together hold `MAX_QUEUED_BYTES_TOTAL` and
 * its own holds at least `LARGE_FRAME_BYTES` (a client sending small frames
 * is never held back by others' big ones). Every paused socket is looked at
 * again whenever a frame is handled, and read again once none of this holds.
 *
 * Frames of `LARGE_FRAME_BYTES` or more are decoded one at a time across all
 * sockets, each in a turn of its own: decoding one costs tens of
 * milliseconds and a few times its size in memory, which several at once
 * would multiply.
 */
import {
  LARGE_FRAME_BYTES,
  MAX_QUEUED_BYTES_PER_SOCKET,
  MAX_QUEUED_BYTES_TOTAL,
  MAX_QUEUED_FRAMES_PER_SOCKET,
} from "../limits";

/** Bytes queued in all inboxes. */
let totalBytes = 0;
/** Inboxes whose socket is paused. */
const paused = new Set<InboundQueue>();
/** The chain of large frames' decodings. */
let largeFrames: Promise<unknown> = Promise.resolve();

/** One socket's inbox count; `pause` and `resume` stop and restart reading the socket. */
export class InboundQueue {
  private frames = 0;
  private bytes = 0;
  private closed = false;

  constructor(private readonly socket: { pause(): void; resume(): void }) {}

  /** Whether frames received are still waiting to be handled. */
  get waiting(): boolean {
    return this.frames > 0;
  }

  /** Counts a received frame (and stops reading the socket if it is over a limit). */
  add(size: number): void {
    if (this.closed) return;
    this.frames++;
    this.bytes += size;
    totalBytes += size;
    if (this.over() && !paused.has(this)) {
      paused.add(this);
      this.socket.pause();
    }
  }

  /** Uncounts a handled frame; sockets no longer over a limit are read again. */
  remove(size: number): void {
    if (this.closed) return;
    this.frames--;
    this.bytes -= size;
    totalBytes -= size;
    for (const queue of paused) {
      if (queue.over()) continue;
      paused.delete(queue);
      queue.socket.resume();
    }
  }

  /** Forgets whatever is still counted (the socket is closing: it is read again, for the closing handshake). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    totalBytes -= this.bytes;
    this.frames = this.bytes = 0;
    if (paused.delete(this)) this.socket.resume();
  }

  private over(): boolean {
    if (this.frames >= MAX_QUEUED_FRAMES_PER_SOCKET || this.bytes >= MAX_QUEUED_BYTES_PER_SOCKET) return true;
    return totalBytes >= MAX_QUEUED_BYTES_TOTAL && this.bytes >= LARGE_FRAME_BYTES;
  }
}

/**
 * Runs `decode` at once for a small frame; for a large one, after the large
 * frames before it, in a turn of its own.
 */
export function decodeInTurn<T>(size: number, decode: () => T): T | Promise<T> {
  if (size < LARGE_FRAME_BYTES) return decode();
  const decoded = largeFrames.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(decode);
  largeFrames = decoded.catch(() => undefined);
  return decoded;
}
