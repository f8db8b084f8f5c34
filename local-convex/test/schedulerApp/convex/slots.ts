/**
 * A test app for local-convex's scheduler (`local-convex/scheduler.test.ts`):
 * actions that run until the test lets them finish, scheduled at chosen
 * times, and what `_scheduled_functions` says about them.
 */
import { internalActionGeneric, makeFunctionReference, mutationGeneric, queryGeneric } from "convex/server";
import { v } from "convex/values";

const holdReference = makeFunctionReference<"action", { label: string }>("slots:hold");

/** Schedules `hold` once per entry, `offsetMs` from now (negative: in the past), in the order given. */
export const scheduleHolds = mutationGeneric({
  args: { holds: v.array(v.object({ label: v.string(), offsetMs: v.number() })) },
  returns: v.null(),
  handler: async (ctx, { holds }) => {
    const now = Date.now();
    for (const { label, offsetMs } of holds) await ctx.scheduler.runAt(now + offsetMs, holdReference, { label });
    return null;
  },
});

/** Runs until the test's gate server answers its request for `label` (the server notes when it arrived). */
export const hold = internalActionGeneric({
  args: { label: v.string() },
  returns: v.null(),
  handler: async (_ctx, { label }) => {
    await (await fetch(`${process.env.SLOTS_GATE_URL}/${label}`)).text();
    return null;
  },
});

/** The cron job's run (`crons.ts`): one request to the gate, which answers it at once. */
export const cronHold = internalActionGeneric({
  args: {},
  returns: v.null(),
  handler: async () => {
    await (await fetch(`${process.env.SLOTS_GATE_URL}/cron`)).text();
    return null;
  },
});

/** Each scheduled `hold`'s label and state, in the order they were scheduled. */
export const states = queryGeneric({
  args: {},
  returns: v.array(v.object({ label: v.string(), state: v.string() })),
  handler: async (ctx) => {
    const scheduled = await ctx.db.system.query("_scheduled_functions").take(100);
    return scheduled.map((f) => ({ label: (f.args[0] as { label: string }).label, state: f.state.kind }));
  },
});
