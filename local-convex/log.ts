/**
 * local-convex's terminal output: one line per function call (kind, path,
 * duration, origin, error), the functions' own console output, and server
 * messages. Writes to the process's real console, captured here before the
 * engine redirects `console` for the functions.
 */
import { formatWithOptions, inspect } from "node:util";

const realConsole = globalThis.console;

const useColor = process.env.FORCE_COLOR
  ? process.env.FORCE_COLOR !== "0"
  : !process.env.NO_COLOR && process.stdout.isTTY;
const paint = (code: number) => (text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
export const color = {
  dim: paint(2),
  red: paint(31),
  green: paint(32),
  yellow: paint(33),
  cyan: paint(36),
  bold: paint(1),
};

function time(): string {
  const d = new Date();
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return color.dim(`${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`);
}

export function formatDuration(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
}

/** A function's `console.*` call as a client log line: `[LOG] 'text' 42`, as Convex sends them. */
export function formatLogLine(level: string, args: unknown[]): string {
  return `[${level.toUpperCase()}] ${args.map((arg) => inspect(arg)).join(" ")}`;
}

export type CallLog = {
  kind: "query" | "mutation" | "action";
  udfPath: string;
  /** Where the call came from: "ws", "http", "scheduled", "cron", "subscription"... */
  origin: string;
  durationMs: number;
  /** The error message, when the call failed. */
  error?: string;
  /** Expected application errors (ConvexError) print on one line. */
  expected?: boolean;
};

export const log = {
  info(message: string): void {
    realConsole.log(`${time()} ${message}`);
  },
  warn(message: string): void {
    realConsole.warn(`${time()} ${color.yellow(message)}`);
  },
  error(message: string, error?: unknown): void {
    realConsole.error(`${time()} ${color.red(message)}`, ...(error === undefined ? [] : [error]));
  },
  /** One function execution. */
  call({ kind, udfPath, origin, durationMs, error, expected }: CallLog): void {
    const head = `${time()} ${kind.padEnd(8)} ${udfPath} ${color.dim(`${formatDuration(durationMs)} ${origin}`)}`;
    if (error === undefined) return void realConsole.log(head);
    const [first, ...rest] = error.split("\n");
    realConsole.log(`${head}  ${color.red(`✖ ${first}`)}`);
    if (!expected && rest.length > 0) realConsole.log(color.dim(rest.join("\n")));
  },
  /** A function's own `console.*` output. */
  functionConsole(level: string, udfPath: string, args: unknown[]): void {
    const text = formatWithOptions({ colors: useColor }, ...args);
    const tag =
      level === "error"
        ? color.red(`[${level.toUpperCase()}]`)
        : level === "warn"
          ? color.yellow(`[${level.toUpperCase()}]`)
          : color.dim(`[${level.toUpperCase()}]`);
    realConsole.log(`${time()}   ${tag} ${color.cyan(udfPath)} ${text}`);
  },
};
