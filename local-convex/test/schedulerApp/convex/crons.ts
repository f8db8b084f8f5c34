import { cronJobs, makeFunctionReference } from "convex/server";

const crons = cronJobs();
// Hourly: at startup, then (with --cron-speed 36000) every 100 ms.
crons.interval("hold", { hours: 1 }, makeFunctionReference<"action">("slots:cronHold"), {});
export default crons;
