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

// Topics from before topic keys are merged by a migration that starts itself
// while any is left (one indexed read an hour once none is).
crons.interval("merge legacy topics", { hours: 1 }, internal.migrations.mergeLegacyTopics, {});

// Questions from before search get their search fields (and those of an older SEARCH_FIELDS_VERSION new ones)
// by a migration that reschedules itself while any is left; one indexed read an hour once none is. An interval
// cron first runs when it is deployed (local-convex: at its start), so older data catches up at once.
crons.interval("backfill question search fields", { hours: 1 }, internal.migrations.backfillSearchFields, {});

export default crons;
