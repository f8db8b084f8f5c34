/**
 * Scheduled functions across restarts, and their logs. convex-test runs what
 * is scheduled while the process lives (`ctx.scheduler.runAfter`); here:
 *
 * - at startup, a function that was `inProgress` when the previous process
 *   stopped is marked `failed`, as Convex does with an action whose process
 *   crashed (the app's sweeper then fails its job as INTERRUPTED); `pending`
 *   ones are armed again at their scheduled time; finished ones older than
 *   a week are deleted, as Convex does;
 * - while running, state changes of `_scheduled_functions` documents are
 *   logged (start, duration, outcome).
 *
 * The startup repairs are not journaled: they are made again, the same way,
 * if the backend stops before the next snapshot holds them.
 */
import { log } from "../log";
import type { Engine, FunctionKind } from "./engine";
import type { Write } from "./patches";

const TABLE = "_scheduled_functions";
/** How long Convex keeps finished scheduled functions. */
const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

type ScheduledState = { kind: "pending" | "inProgress" | "success" | "failed" | "canceled"; error?: string };

/**
 * Fails the scheduled functions a previous process left running, arms the
 * pending ones and forgets old finished ones. Returns the paths of the
 * failed ones and how many were armed and deleted.
 */
export function resumeScheduledFunctions(engine: Engine): { interrupted: string[]; pending: number; deleted: number } {
  const interrupted: string[] = [];
  let pending = 0;
  let deleted = 0;
  for (const componentPath of engine.componentPaths()) {
    const jobs = [...(engine.tables(componentPath).get(TABLE)?.values() ?? [])];
    for (const job of jobs) {
      const state = job.state as ScheduledState;
      const finishedAt = (job.completedTime as number | undefined) ?? (job.scheduledTime as number);
      if (["success", "failed", "canceled"].includes(state.kind) && finishedAt < Date.now() - RETENTION_MS) {
        engine.deleteDocument(componentPath, job._id);
        deleted++;
      } else if (state.kind === "inProgress") {
        engine.replaceDocument(componentPath, {
          ...job,
          state: { kind: "failed", error: "The local backend stopped while this function was running." },
          completedTime: Date.now(),
        });
        interrupted.push(displayName(componentPath, job.name as string));
      } else if (state.kind === "pending") {
        engine.armScheduledFunction(componentPath, job);
        pending++;
      }
    }
  }
  return { interrupted, pending, deleted };
}

/** Logs scheduled function runs. */
export class ScheduledFunctionMonitor {
  private readonly running = new Map<
    string,
    { name: string; componentPath: string; kind: FunctionKind | undefined; startedAt: number }
  >();

  constructor(
    private readonly engine: Engine,
    private readonly options: { verbose: boolean },
  ) {
    engine.onCommit((_ts, writes) => this.observe(writes));
  }

  private observe(writes: Write[]): void {
    for (const { componentPath, table, id, doc } of writes) {
      if (table !== TABLE || doc === null) continue;
      const key = `${componentPath}|${id}`;
      const state = doc.state as ScheduledState;
      const name = doc.name as string;
      if (state.kind === "inProgress") {
        const kind = this.engine.functionInfo(name, componentPath)?.kind;
        this.running.set(key, { name, componentPath, kind, startedAt: performance.now() });
        continue;
      }
      const run = this.running.get(key);
      if (!run || (state.kind !== "success" && state.kind !== "failed")) continue;
      this.running.delete(key);
      if (componentPath !== "" && !this.options.verbose && state.kind === "success") continue;
      log.call({
        kind: run.kind ?? "action",
        udfPath: displayName(componentPath, name),
        origin: "scheduled",
        durationMs: performance.now() - run.startedAt,
        ...(state.kind === "failed" ? { error: state.error ?? "failed (error above)" } : {}),
      });
    }
  }
}

function displayName(componentPath: string, name: string): string {
  return componentPath ? `${componentPath}/${name}` : name;
}
