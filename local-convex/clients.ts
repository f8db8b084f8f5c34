/**
 * Who a client is, for limits and turns: the identity it signed in with
 * (its tokenIdentifier), or, for a connection not signed in, the address of
 * its peer. One user with 50 sessions or 40 sockets is one client; so is
 * every anonymous connection from one address. The per-client limits
 * (`limits.ts`: sockets, HTTP requests in progress, output not yet read,
 * query results held) and the turns at the database (`engine/gate.ts`, the
 * subscription rounds) all count per client, so one client at its cap never
 * refuses another.
 *
 * `Clients` keeps the counts. A WebSocket is not known to be anyone's when
 * it opens (the identity comes in a later message): until then it counts
 * among its address's sockets not yet identified, at most
 * `MAX_UNIDENTIFIED_SOCKETS_PER_ADDRESS` of them: past that, the oldest gives
 * way to a new one if it has had `SIGN_IN_GRACE_MS` to sign in (else the
 * new one is refused), so a burst of idle sockets cannot push out a client
 * about to sign in. It belongs to a client once it authenticates, sends a
 * query or a call, or has been open `IDENTIFY_WITHIN_MS` (then, signed out,
 * to its address).
 */
import type { UserIdentity } from "convex/server";
import {
  MAX_HTTP_BODY_BYTES_PER_CLIENT,
  MAX_RESULT_BYTES_PER_CLIENT,
  MAX_SOCKETS_PER_CLIENT,
  MAX_UNIDENTIFIED_SOCKETS_PER_ADDRESS,
  MAX_UNSENT_BYTES_PER_CLIENT,
  MAX_UNSENT_BYTES_TOTAL,
  SIGN_IN_GRACE_MS,
} from "./limits";

/** A socket's close code when a limit ends it: "try again later" (the official client reconnects after a backoff). */
export const TRY_AGAIN_LATER = 1013;

/** The client `identity` (or, signed out, the peer at `address`) is. */
export function clientKey(identity: UserIdentity | null, address: string | null): string {
  return identity ? `user ${identity.tokenIdentifier}` : `address ${address ?? "unknown"}`;
}

/** What `Clients` needs from a socket. */
export interface ClientSocket {
  /** The peer's address. */
  readonly address: string | null;
  /** When it opened (ms since the epoch). */
  readonly openedAt: number;
  /** Ends the connection, telling the client why (a WebSocket close reason: at most 123 bytes). */
  end(code: number, reason: string): void;
}

type Usage = {
  sockets: Set<ClientSocket>;
  /** Output handed to its connections and not yet written to them (WebSocket messages, HTTP responses). */
  unsentBytes: number;
  /** Query results its sockets hold (each socket's count, `setResultBytes`). */
  resultBytes: number;
  /** Large HTTP bodies being received (`addReceiving`). */
  receivingBytes: number;
};

export class Clients {
  private readonly usage = new Map<string, Usage>();
  /** Sockets not yet identified, by address, oldest first. */
  private readonly unidentified = new Map<string, Set<ClientSocket>>();
  /** Each identified socket's client, and the result bytes it holds. */
  private readonly sockets = new Map<ClientSocket, { key: string; resultBytes: number }>();
  /** Unsent output of all clients. */
  private unsentTotal = 0;

  /**
   * Whether a new socket from `address` may open: yes while its address has
   * fewer than `MAX_UNIDENTIFIED_SOCKETS_PER_ADDRESS` not yet identified, or
   * when the oldest of those has had `SIGN_IN_GRACE_MS` (it is closed to make room).
   */
  mayOpen(address: string | null): boolean {
    const waiting = this.unidentified.get(address ?? "unknown");
    if (!waiting || waiting.size < MAX_UNIDENTIFIED_SOCKETS_PER_ADDRESS) return true;
    const oldest = waiting.values().next().value!;
    if (Date.now() - oldest.openedAt < SIGN_IN_GRACE_MS) return false;
    waiting.delete(oldest);
    oldest.end(TRY_AGAIN_LATER, "TooManySockets: too many connections from this address have not signed in");
    return true;
  }

  /** A socket that just opened (`mayOpen`): not yet anyone's. */
  opened(socket: ClientSocket): void {
    const address = socket.address ?? "unknown";
    let waiting = this.unidentified.get(address);
    if (!waiting) this.unidentified.set(address, (waiting = new Set()));
    waiting.add(socket);
  }

  /**
   * Counts `socket` as client `key`'s. Returns null if it may be, or the
   * reason it may not (the client already has `MAX_SOCKETS_PER_CLIENT`);
   * then it stays whoever's it was.
   */
  identify(socket: ClientSocket, key: string): string | null {
    const current = this.sockets.get(socket);
    if (current?.key === key) return null;
    const usage = this.usageOf(key);
    if (usage.sockets.size >= MAX_SOCKETS_PER_CLIENT) {
      this.release(key);
      return `TooManySockets: this client already has ${MAX_SOCKETS_PER_CLIENT} open connections`;
    }
    this.forgetUnidentified(socket);
    if (current) this.leave(socket, current);
    usage.sockets.add(socket);
    usage.resultBytes += current?.resultBytes ?? 0;
    this.sockets.set(socket, { key, resultBytes: current?.resultBytes ?? 0 });
    return null;
  }

  /** The client `socket` counts for (null while not identified). */
  keyOf(socket: ClientSocket): string | null {
    return this.sockets.get(socket)?.key ?? null;
  }

  /** The socket is gone. */
  closed(socket: ClientSocket): void {
    this.forgetUnidentified(socket);
    const current = this.sockets.get(socket);
    if (current) this.leave(socket, current);
    this.sockets.delete(socket);
  }

  /** The sockets of client `key`. */
  socketsOf(key: string): ClientSocket[] {
    return [...(this.usage.get(key)?.sockets ?? [])];
  }

  // ── Output not yet written ─────────────────────────────────────────────────

  /** `bytes` more (or, negative, fewer) of client `key`'s output wait to be written. */
  addUnsent(key: string, bytes: number): void {
    const usage = this.usageOf(key);
    usage.unsentBytes += bytes;
    this.unsentTotal += bytes;
    this.release(key);
  }

  unsentOf(key: string): number {
    return this.usage.get(key)?.unsentBytes ?? 0;
  }

  /**
   * Whether client `key`, which has output not yet written, may have `bytes`
   * more queued: within `MAX_UNSENT_BYTES_PER_CLIENT`, and within
   * `MAX_UNSENT_BYTES_TOTAL` for all clients. (A socket with nothing unsent
   * may always get one Transition, bounded by the results it holds, so a
   * client's sockets that read are never held back by those that do not.)
   */
  mayQueue(key: string, bytes: number): boolean {
    return (
      this.unsentOf(key) + bytes <= MAX_UNSENT_BYTES_PER_CLIENT && this.unsentTotal + bytes <= MAX_UNSENT_BYTES_TOTAL
    );
  }

  // ── Large HTTP bodies being received ───────────────────────────────────────

  /** Whether client `key` may receive `bytes` more of large request bodies (`MAX_HTTP_BODY_BYTES_PER_CLIENT`). */
  mayReceive(key: string, bytes: number): boolean {
    return (this.usage.get(key)?.receivingBytes ?? 0) + bytes <= MAX_HTTP_BODY_BYTES_PER_CLIENT;
  }

  /** `bytes` more (or, negative, fewer) of client `key`'s large request bodies are being received. */
  addReceiving(key: string, bytes: number): void {
    this.usageOf(key).receivingBytes += bytes;
    this.release(key);
  }

  // ── Query results held ─────────────────────────────────────────────────────

  /** The query results `socket` holds now add up to `bytes`. */
  setResultBytes(socket: ClientSocket, bytes: number): void {
    const current = this.sockets.get(socket);
    if (!current) return;
    this.usageOf(current.key).resultBytes += bytes - current.resultBytes;
    current.resultBytes = bytes;
  }

  /** The query results of client `key`'s sockets other than `socket`, and how many more it may hold in all. */
  resultRoom(socket: ClientSocket): number {
    const current = this.sockets.get(socket);
    if (!current) return MAX_RESULT_BYTES_PER_CLIENT;
    const others = (this.usage.get(current.key)?.resultBytes ?? 0) - current.resultBytes;
    return MAX_RESULT_BYTES_PER_CLIENT - others;
  }

  /** The client holding the most memory (output not yet written, query results), with how much: the one to shed first. */
  heaviest(): { key: string; bytes: number } | null {
    let heaviest: { key: string; bytes: number } | null = null;
    for (const [key, usage] of this.usage) {
      const bytes = usage.unsentBytes + usage.resultBytes;
      if (usage.sockets.size > 0 && (!heaviest || bytes > heaviest.bytes)) heaviest = { key, bytes };
    }
    return heaviest;
  }

  private usageOf(key: string): Usage {
    let usage = this.usage.get(key);
    if (!usage)
      this.usage.set(key, (usage = { sockets: new Set(), unsentBytes: 0, resultBytes: 0, receivingBytes: 0 }));
    return usage;
  }

  private forgetUnidentified(socket: ClientSocket): void {
    const address = socket.address ?? "unknown";
    const waiting = this.unidentified.get(address);
    if (waiting?.delete(socket) && waiting.size === 0) this.unidentified.delete(address);
  }

  private leave(socket: ClientSocket, current: { key: string; resultBytes: number }): void {
    const usage = this.usageOf(current.key);
    usage.sockets.delete(socket);
    usage.resultBytes -= current.resultBytes;
    this.release(current.key);
  }

  /** Forgets a client with nothing counted. */
  private release(key: string): void {
    const usage = this.usage.get(key);
    if (usage?.sockets.size === 0 && usage.unsentBytes === 0 && usage.resultBytes === 0 && usage.receivingBytes === 0)
      this.usage.delete(key);
  }
}
