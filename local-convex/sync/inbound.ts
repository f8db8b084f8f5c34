/**
 * How much received and not yet handled WebSocket data the backend holds.
 * A socket's frames wait in its session's inbox until handled; when its
 * inbox holds `MAX_QUEUED_FRAMES_PER_SOCKET` frames or `MAX_QUEUED_BYTES_PER_SOCKET`
 * bytes, or all inboxes together `MAX_QUEUED_BYTES_TOTAL`, that socket is no
 * longer read (TCP pushes back on its sender) until its inbox drains.
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
/** The chain of large frames' decodings. */
let largeFrames: Promise<unknown> = Promise.resolve();

/** One socket's share. */
export class InboundQueue {
  private frames = 0;
  private bytes = 0;
  private cleared = false;

  /** Whether frames received are still waiting to be handled. */
  get waiting(): boolean {
    return this.frames > 0;
  }

  /** Counts a received frame; returns whether the socket should stop being read. */
  add(size: number): boolean {
    if (this.cleared) return false;
    this.frames++;
    this.bytes += size;
    totalBytes += size;
    return this.full();
  }

  /** Uncounts a handled frame; returns whether the socket may be read again. */
  remove(size: number): boolean {
    if (this.cleared) return false;
    this.frames--;
    this.bytes -= size;
    totalBytes -= size;
    return this.frames < MAX_QUEUED_FRAMES_PER_SOCKET / 2 && !this.full();
  }

  /** Forgets whatever is still counted (the socket closed). */
  clear(): void {
    if (this.cleared) return;
    this.cleared = true;
    totalBytes -= this.bytes;
    this.frames = this.bytes = 0;
  }

  private full(): boolean {
    return this.frames >= MAX_QUEUED_FRAMES_PER_SOCKET || this.bytes >= MAX_QUEUED_BYTES_PER_SOCKET || totalBytes >= MAX_QUEUED_BYTES_TOTAL;
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
