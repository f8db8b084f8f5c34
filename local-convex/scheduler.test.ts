/**
 * Scheduled functions run at most N at a time, as on a Convex deployment
 * (`engine/scheduledSlots.ts`). Over the official client, against a test app
 * (`test/schedulerApp/`) whose actions run until the test answers their
 * request to a small gate server: the 11th waits, `pending`, until a slot
 * frees, then runs; waiting ones start in order of scheduled time; the log
 * says when the scheduler is saturated and for how long. Then the parts on
 * their own: the limit's parsing, the queue, and cron runs taking its slots.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { ConvexClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { afterEach, describe, expect, test } from "vitest";
import {
  DEFAULT_MAX_SCHEDULED_CONCURRENCY,
  ScheduledSlots,
  describeSaturation,
  maxScheduledConcurrency,
  type SaturationReport,
} from "./engine/scheduledSlots";
import { CronRunner } from "./crons";
import type { Engine } from "./engine/engine";
import { startLocalConvex, type LocalConvexProcess } from "./index";

const APP = path.join(import.meta.dirname, "test/schedulerApp");
const scheduleHolds = makeFunctionReference<"mutation", { holds: Array<{ label: string; offsetMs: number }> }>(
  "slots:scheduleHolds",
);
const states = makeFunctionReference<"query", Record<string, never>, Array<{ label: string; state: string }>>(
  "slots:states",
);

/** The server the test app's actions ask; each `hold` runs until `release(label)`, a cron run is answered at once. */
async function startGate() {
  /** The holds, in the order they started. */
  const arrivals: string[] = [];
  const cronRuns = { count: 0 };
  const held = new Map<string, ServerResponse>();
  const server = createServer((req, res) => {
    const label = req.url!.slice(1);
    if (label === "cron") {
      cronRuns.count++;
      return void res.end("ok");
    }
    arrivals.push(label);
    held.set(label, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    cronRuns,
    release(label: string) {
      held.get(label)!.end("ok");
      held.delete(label);
    },
    close: () => {
      for (const res of held.values()) res.end("ok");
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
type Gate = Awaited<ReturnType<typeof startGate>>;

/** Resolves once `check` returns a value (polled every 10 ms), or fails after `timeoutMs` saying what it waited for. */
async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const lineOf = (backend: LocalConvexProcess, pattern: RegExp) => backend.output.find((line) => pattern.test(line));

const running: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function start(gate: Gate, options: Parameters<typeof startLocalConvex>[0] = {}): Promise<LocalConvexProcess> {
  const backend = await startLocalConvex({
    projectDir: APP,
    ...options,
    env: { SLOTS_GATE_URL: gate.url, LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY: undefined, ...options.env },
  });
  running.push(backend);
  // The hourly cron runs once at startup: let it finish, so the slots are all free.
  await until("the cron's startup run", () => lineOf(backend, /slots:cronHold .*cron "hold"/));
  return backend;
}

describe("over the official client", () => {
  test("with the default 10 slots, the 11th scheduled action waits (pending) until a slot frees, then runs; waiting ones start in order of scheduled time", async () => {
    const gate = await startGate();
    running.push(gate);
    const backend = await start(gate);
    expect(backend.output.join("\n")).toContain("scheduler:  at most 10 scheduled functions and cron jobs at once");
    const client = new ConvexClient(backend.url);
    running.push(client);

    // Ten that hold every slot, then three due at once but scheduled (in this order) now, 1 s ago and 2 s ago.
    const holders = Array.from({ length: DEFAULT_MAX_SCHEDULED_CONCURRENCY }, (_, i) => `h${i + 1}`);
    await client.mutation(scheduleHolds, {
      holds: [
        ...holders.map((label) => ({ label, offsetMs: 0 })),
        { label: "now", offsetMs: 0 },
        { label: "1s-ago", offsetMs: -1000 },
        { label: "2s-ago", offsetMs: -2000 },
      ],
    });
    await until("ten running holds", () => gate.arrivals.length === 10);
    expect(gate.arrivals.toSorted()).toEqual(holders.toSorted());
    const saturated = await until("the saturation line", () => lineOf(backend, /Scheduler saturated/));
    expect(saturated).toContain("all 10 slots busy, slots:hold waits for one");
    const stateOf = async () =>
      Object.fromEntries((await client.query(states, {})).map(({ label, state }) => [label, state]));
    // What the app's sweeper reads: the waiting ones are still pending, the running ones in progress.
    expect(await stateOf()).toEqual({
      ...Object.fromEntries(holders.map((label) => [label, "inProgress"])),
      now: "pending",
      "1s-ago": "pending",
      "2s-ago": "pending",
    });
    expect(gate.arrivals).toHaveLength(10);

    // Each freed slot goes to the waiting function scheduled first.
    gate.release("h1");
    await until("the 11th to start", () => gate.arrivals.length === 11);
    expect(gate.arrivals.at(-1)).toBe("2s-ago");
    expect(await stateOf()).toMatchObject({
      h1: "success",
      "2s-ago": "inProgress",
      "1s-ago": "pending",
      now: "pending",
    });
    gate.release("h2");
    await until("the 12th to start", () => gate.arrivals.length === 12);
    expect(lineOf(backend, /no longer saturated/)).toBeUndefined();
    gate.release("h3");
    await until("the 13th to start", () => gate.arrivals.length === 13);
    expect(gate.arrivals.slice(10)).toEqual(["2s-ago", "1s-ago", "now"]);

    // Nothing waits any more: the log says for how long the scheduler was saturated.
    const ended = await until("the end of saturation", () => lineOf(backend, /no longer saturated/));
    expect(ended).toMatch(
      /Scheduler no longer saturated after \d+(\.\d+)?m?s: 3 functions waited for a slot, the longest \d+(\.\d+)?m?s\./,
    );
    for (const label of [...holders.slice(3), "2s-ago", "1s-ago", "now"]) gate.release(label);
    await until("every hold to succeed", async () => Object.values(await stateOf()).every((s) => s === "success"));

    // The backend's counters: each execution, and how late each scheduled run started.
    const stats = await backend.stats();
    expect(stats.calls).toMatchObject({ "slots:scheduleHolds": 1, "slots:hold": 13, "slots:cronHold": 1 });
    expect(stats.calls["slots:states"]).toBeGreaterThanOrEqual(3);
    const delays = stats.startDelaysMs["slots:hold"]!;
    expect(delays).toHaveLength(13);
    // The ten holders started at once; the three that waited started past their time (2 s and 1 s ago, and now).
    expect(delays.filter((ms) => ms < 1000)).toHaveLength(11);
    expect(delays.filter((ms) => ms >= 1000 && ms < 2000)).toHaveLength(1);
    expect(delays.filter((ms) => ms >= 2000)).toHaveLength(1);
    expect(stats.startDelaysMs['cron "hold"']).toHaveLength(1);
    expect(stats.maxRssBytes).toBeGreaterThan(10 * 2 ** 20);
    expect(stats.cpuMs).toBeGreaterThan(0);
    expect(stats.eventLoopDelayMs.max).toBeGreaterThanOrEqual(stats.eventLoopDelayMs.p50);
  }, 30_000);

  test("the limit comes from LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY", async () => {
    const gate = await startGate();
    running.push(gate);
    const backend = await start(gate, { env: { LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY: "2" } });
    expect(backend.output.join("\n")).toContain("scheduler:  at most 2 scheduled functions and cron jobs at once");
    const client = new ConvexClient(backend.url);
    running.push(client);

    await client.mutation(scheduleHolds, { holds: ["a", "b", "c"].map((label) => ({ label, offsetMs: 0 })) });
    await until("two holds to run", () => gate.arrivals.length === 2);
    expect(await until("the saturation line", () => lineOf(backend, /Scheduler saturated/))).toContain(
      "all 2 slots busy, slots:hold waits for one",
    );
    expect(gate.arrivals).toEqual(["a", "b"]);
    gate.release("a");
    await until("the third to run", () => gate.arrivals.length === 3);
    await until("the end of saturation", () => lineOf(backend, /no longer saturated/));
  }, 30_000);

  test("a limit that is not a positive integer is refused at startup, saying where it came from", async () => {
    await expect(startLocalConvex({ projectDir: APP, maxScheduledConcurrency: 0 })).rejects.toThrow(
      /--max-scheduled-concurrency must be a positive integer: how many scheduled functions .* got "0"/,
    );
    await expect(
      startLocalConvex({ projectDir: APP, env: { LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY: "unlimited" } }),
    ).rejects.toThrow(/LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY must be a positive integer.* got "unlimited"/);
  }, 30_000);
});

describe("the limit", () => {
  test("comes from the flag, else the environment, else 10", () => {
    const env = { LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY: "300" };
    expect(maxScheduledConcurrency("4", env)).toBe(4);
    expect(maxScheduledConcurrency(2, env)).toBe(2);
    expect(maxScheduledConcurrency(undefined, env)).toBe(300);
    expect(maxScheduledConcurrency(undefined, { LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY: "" })).toBe(10);
    expect(maxScheduledConcurrency(undefined, {})).toBe(10);
  });

  test.each(["0", "-1", "2.5", "1e3", "Infinity", "unlimited", " ", "ten"])("%j is refused", (value) => {
    expect(() => maxScheduledConcurrency(value, {})).toThrow(/must be a positive integer/);
    expect(() => maxScheduledConcurrency(undefined, { LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY: value })).toThrow(
      /^LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY must be a positive integer/,
    );
  });
});

describe("the queue", () => {
  /** Slots on a clock the test moves; each run lasts until the test ends it. */
  function slots(limit: number) {
    let now = 0;
    const reports: SaturationReport[] = [];
    const queue = new ScheduledSlots(
      limit,
      (report) => reports.push(report),
      () => now,
    );
    const started: string[] = [];
    const finish = new Map<string, () => void>();
    const submit = (name: string, scheduledTime: number, wanted = () => true) =>
      void queue.run({ name, scheduledTime: () => scheduledTime, wanted }, () => {
        started.push(name);
        return new Promise<void>((resolve) => finish.set(name, resolve));
      });
    const end = async (name: string) => {
      finish.get(name)!();
      await new Promise((resolve) => setImmediate(resolve));
    };
    return { queue, reports, started, submit, end, tick: (ms: number) => (now += ms) };
  }

  test("runs N at once; the rest start by scheduled time, then arrival; a canceled one starts without a slot", async () => {
    const { queue, reports, started, submit, end, tick } = slots(2);
    let cCanceled = false;
    submit("a", 5);
    submit("b", 6);
    submit("c", 9, () => !cCanceled);
    submit("d", 1);
    submit("e", 1);
    submit("x", 0, () => false); // canceled while waiting
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(["a", "b"]);
    expect([queue.running, queue.waiting]).toEqual([2, 4]);
    expect(reports).toEqual([{ event: "saturated", limit: 2, waiting: "c" }]);

    tick(1500);
    await end("a");
    // x, due first, was canceled: it starts (to see that for itself) without taking the slot, which goes to d.
    expect(started).toEqual(["a", "b", "x", "d"]);
    expect([queue.running, queue.waiting]).toEqual([2, 2]);
    await end("d");
    expect(started.at(-1)).toBe("e"); // d and e were due at the same time: the first to arrive went first
    cCanceled = true;
    await end("b");
    expect(started.at(-1)).toBe("c");
    expect([queue.running, queue.waiting]).toEqual([1, 0]);
    expect(reports.at(-1)).toEqual({ event: "ended", limit: 2, saturatedForMs: 1500, waited: 2, longestWaitMs: 1500 });
    await end("e");
    expect(queue.running).toBe(0);
  });

  test("cron runs take the same slots: a due run waits while they are all busy", async () => {
    const reports: SaturationReport[] = [];
    const scheduledSlots = new ScheduledSlots(1, (report) => reports.push(report));
    const calls: string[] = [];
    const engine = {
      scheduledSlots,
      call: ({ udfPath }: { udfPath: string }) => (calls.push(udfPath), Promise.resolve({ ok: true, value: null })),
    } as unknown as Engine;
    let endHold!: () => void;
    void scheduledSlots.run(
      { name: "slots:hold", scheduledTime: () => 0 },
      () => new Promise<void>((r) => (endHold = r)),
    );

    const crons = new CronRunner(engine, [
      { id: "tick", udfPath: "jobs:tick", args: {}, schedule: { type: "interval", minutes: 1 } },
    ]);
    crons.start(); // an interval job runs at startup
    try {
      await until("the cron's run to come due", () => reports.length > 0);
      expect(reports).toEqual([{ event: "saturated", limit: 1, waiting: 'cron "tick"' }]);
      expect(calls).toEqual([]);
      endHold();
      await until("the cron to run", () => calls.length === 1);
      expect(calls).toEqual(["jobs:tick"]);
    } finally {
      crons.stop();
    }
  });

  test("the log lines say how long and how many", () => {
    expect(describeSaturation({ event: "saturated", limit: 10, waiting: "aiGeneration:processJob" })).toBe(
      "Scheduler saturated: all 10 slots busy, aiGeneration:processJob waits for one; scheduled functions and cron " +
        "jobs now start as slots free, in order of scheduled time (--max-scheduled-concurrency).",
    );
    expect(
      describeSaturation({ event: "still", limit: 10, saturatedForMs: 61_000, waiting: 1, longestWaitMs: 59_000 }),
    ).toBe("Scheduler still saturated after 61.0s: all 10 slots busy, 1 function waiting, the longest for 59.0s.");
    expect(describeSaturation({ event: "ended", limit: 10, saturatedForMs: 2500, waited: 3, longestWaitMs: 900 })).toBe(
      "Scheduler no longer saturated after 2.50s: 3 functions waited for a slot, the longest 900ms.",
    );
  });
});
