/**
 * A bare WebSocket client for the sync protocol, for tests that check the
 * exact messages local-convex sends (versions, ordering, Pings), which the
 * official client hides.
 */
import WebSocket from "ws";
import { frameText } from "../sync/session";

export type Message = { type: string; [key: string]: unknown };

export class RawSyncClient {
  readonly received: Message[] = [];
  private readonly ws: WebSocket;
  private waiters: Array<{ match: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  private readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(url: string) {
    this.ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/1.48.0/sync`);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
    this.closed = new Promise((resolve) =>
      this.ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.ws.on("message", (data) => {
      const message = JSON.parse(frameText(data)) as Message;
      this.received.push(message);
      this.waiters = this.waiters.filter((w) => (w.match(message) ? (w.resolve(message), false) : true));
    });
  }

  async send(message: Message): Promise<void> {
    await this.opened;
    this.ws.send(JSON.stringify(message));
  }

  /** The first message from now on (or already received after index `from`) that matches. */
  next(match: (m: Message) => boolean, { from = this.received.length, timeoutMs = 5000 } = {}): Promise<Message> {
    const earlier = this.received.slice(from).find(match);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.received)}`)),
        timeoutMs,
      );
      this.waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  close(): void {
    this.ws.close();
  }

  /** Stops reading what the backend sends (as a client that never reads): TCP pushes back on it. */
  stopReading(): void {
    (this.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }
}
