/**
 * Runs the cron jobs of `convex/crons.ts` (its default export, a `cronJobs()`
 * object whose `.crons` lists them) as a Convex deployment does: interval
 * jobs first at startup, then every interval after the previous scheduled
 * time; hourly/daily/weekly/monthly jobs and cron strings at their UTC times.
 * A job never overlaps itself: its next run is planned when a run ends. A run
 * takes one of the scheduler's slots, as on Convex (`engine/scheduledSlots.ts`):
 * while all are busy it waits its turn, by its planned time.
 *
 * `speed` accelerates time for demos and tests: with speed 60 an hourly job
 * runs every minute and "daily at 03:00 UTC" once every 24 minutes (cron
 * times are computed on a clock that runs `speed` times faster).
 */
import { jsonToConvex, type JSONValue, type Value } from "convex/values";
import type { Engine } from "./engine/engine";
import { canonicalizeUdfPath } from "./engine/functionPath";

export type CronSchedule =
  | { type: "interval"; seconds?: number; minutes?: number; hours?: number }
  | { type: "hourly"; minuteUTC?: number }
  | { type: "daily"; hourUTC: number; minuteUTC?: number }
  | { type: "weekly"; dayOfWeek: string; hourUTC: number; minuteUTC?: number }
  | { type: "monthly"; day: number; hourUTC: number; minuteUTC?: number }
  | { type: "cron"; cron: string };

export type CronJob = { id: string; udfPath: string; args: Record<string, Value>; schedule: CronSchedule };

const DAYS_OF_WEEK = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The jobs of a `crons` module's default export (none without one). */
export function cronJobsOf(cronsModule: Record<string, unknown> | null): CronJob[] {
  const crons = (
    cronsModule?.default as
      { crons?: Record<string, { name: string; args: JSONValue[]; schedule: CronSchedule }> } | undefined
  )?.crons;
  return Object.entries(crons ?? {}).map(([id, job]) => ({
    id,
    udfPath: canonicalizeUdfPath(job.name),
    args: (jsonToConvex(job.args[0] ?? {}) ?? {}) as Record<string, Value>,
    schedule: job.schedule,
  }));
}

/** Interval schedules' period in ms, or null for calendar schedules. */
export function intervalMs(schedule: CronSchedule): number | null {
  if (schedule.type !== "interval") return null;
  return ((schedule.seconds ?? 0) + (schedule.minutes ?? 0) * 60 + (schedule.hours ?? 0) * 3600) * 1000;
}

/** A calendar schedule as a 5-field cron expression (minute hour day-of-month month day-of-week), in UTC. */
export function cronExpression(schedule: Exclude<CronSchedule, { type: "interval" }>): string {
  switch (schedule.type) {
    case "cron":
      return schedule.cron;
    case "hourly":
      return `${schedule.minuteUTC ?? 0} * * * *`;
    case "daily":
      return `${schedule.minuteUTC ?? 0} ${schedule.hourUTC} * * *`;
    case "weekly":
      return `${schedule.minuteUTC ?? 0} ${schedule.hourUTC} * * ${DAYS_OF_WEEK.indexOf(schedule.dayOfWeek)}`;
    case "monthly":
      return `${schedule.minuteUTC ?? 0} ${schedule.hourUTC} ${schedule.day} * *`;
  }
}

type CronFields = {
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  domAny: boolean;
  dowAny: boolean;
};

function parseCron(expression: string): CronFields {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`Invalid cron expression "${expression}": expected 5 fields`);
  const parse = (field: string, min: number, max: number): Set<number> => {
    const values = new Set<number>();
    for (const part of field.split(",")) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!m) throw new Error(`Invalid cron expression "${expression}": cannot read "${part}"`);
      const from = m[1] === "*" ? min : Number(m[2]);
      const to = m[1] === "*" ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : from;
      const step = m[4] !== undefined ? Number(m[4]) : 1;
      if (from < min || to > max || from > to || step < 1)
        throw new Error(`Invalid cron expression "${expression}": "${part}" is out of range`);
      for (let v = from; v <= to; v += step) values.add(v);
    }
    return values;
  };
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const dowValues = parse(dow, 0, 7);
  if (dowValues.delete(7)) dowValues.add(0); // 7 is Sunday too
  return {
    minute: parse(minute, 0, 59),
    hour: parse(hour, 0, 23),
    dom: parse(dom, 1, 31),
    month: parse(month, 1, 12),
    dow: dowValues,
    domAny: dom === "*",
    dowAny: dow === "*",
  };
}

/** The first time (ms, on a whole minute) strictly after `after` that `expression` matches, in UTC. */
export function nextCronTime(expression: string, after: number): number {
  const c = parseCron(expression);
  const dayMatches = (d: Date) => {
    const dom = c.dom.has(d.getUTCDate());
    const dow = c.dow.has(d.getUTCDay());
    // Standard cron: when both day fields are restricted, either may match.
    return c.domAny ? dow : c.dowAny ? dom : dom || dow;
  };
  const t = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
  for (let steps = 0; steps < 100_000; steps++) {
    if (!c.month.has(t.getUTCMonth() + 1) || !dayMatches(t)) {
      t.setUTCHours(24, 0, 0, 0);
    } else if (!c.hour.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
    } else if (!c.minute.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
    } else {
      return t.getTime();
    }
  }
  throw new Error(`Cron expression "${expression}" never matches`);
}

/** Runs cron jobs on their schedules until `stop()`. */
export class CronRunner {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly engine: Engine,
    readonly jobs: CronJob[],
    private readonly speed = 1,
  ) {
    if (!(speed > 0)) throw new Error(`Cron speed must be a positive number, got ${speed}`);
    for (const job of jobs) {
      if (job.schedule.type !== "interval") nextCronTime(cronExpression(job.schedule), 0); // validate now
    }
  }

  start(): void {
    for (const job of this.jobs) {
      if (intervalMs(job.schedule) !== null)
        this.at(Date.now(), job); // interval jobs run at startup
      else this.planNext(job, Date.now());
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** The real time of `job`'s next run after the run planned for `previous`. */
  private planNext(job: CronJob, previous: number): void {
    const period = intervalMs(job.schedule);
    if (period !== null) return this.at(Math.max(Date.now(), previous + period / this.speed), job);
    // Calendar schedules tick on a clock running `speed` times faster than real time.
    const virtualNow = this.startedAt + (Date.now() - this.startedAt) * this.speed;
    const virtualNext = nextCronTime(
      cronExpression(job.schedule as Exclude<CronSchedule, { type: "interval" }>),
      virtualNow,
    );
    this.at(Date.now() + (virtualNext - virtualNow) / this.speed, job);
  }

  private at(time: number, job: CronJob): void {
    if (this.stopped) return;
    const wait = Math.max(0, time - Date.now());
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (wait > MAX_TIMER_MS) return this.at(time, job); // a very long wait, in steps
        void this.run(job, time).then(() => this.planNext(job, time));
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    this.timers.add(timer);
  }

  /** Runs `job`, planned for `time`, once it has a slot. */
  private async run(job: CronJob, time: number): Promise<void> {
    if (this.stopped) return;
    const request = { name: `cron "${job.id}"`, scheduledTime: () => time, wanted: () => !this.stopped };
    await this.engine.scheduledSlots.run(request, async () => {
      if (this.stopped) return;
      await this.engine.call({
        udfPath: job.udfPath,
        args: job.args,
        identity: null,
        caller: "server",
        origin: `cron "${job.id}"`,
      });
    });
  }

  /** One line per job, for the startup banner. */
  describe(): string[] {
    return this.jobs.map((job) => {
      const period = intervalMs(job.schedule);
      const when =
        period !== null
          ? `every ${period / 1000 / this.speed}s`
          : `cron "${cronExpression(job.schedule as Exclude<CronSchedule, { type: "interval" }>)}" UTC`;
      return `${job.id}: ${job.udfPath}, ${when}${this.speed !== 1 && period === null ? ` (×${this.speed})` : ""}`;
    });
  }
}
