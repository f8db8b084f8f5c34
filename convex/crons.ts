import { cronJobs } from "convex/server";
import { internal } from "./_generated/api";

const crons = cronJobs();

// A job whose action died (crash, deploy, timeout) must not stay "processing"
// forever: every minute, fail such jobs as INTERRUPTED so the user can retry.
// Reads only active jobs with a stale heartbeat, so it is free while all is well.
crons.interval("recover stuck jobs", { minutes: 1 }, internal.maintenance.recoverStuckJobs, {});

// Prune old job history at a quiet hour: completed and cancelled jobs after
// COMPLETED_JOB_RETENTION_DAYS, failed ones after FAILED_JOB_RETENTION_DAYS.
// Questions are kept. Bounded batches.
// The product spec fixes 03:00 UTC, and the work is a few bounded batches.
// eslint-disable-next-line @convex-dev/no-top-of-hour-crons
crons.daily("cleanup old jobs", { hourUTC: 3, minuteUTC: 0 }, internal.maintenance.cleanup, {});

// Data migrations start by themselves while they have work left (one indexed
// read each an hour once none has).
crons.interval("start pending migrations", { hours: 1 }, internal.migrations.startPendingMigrations, {});

export default crons;
