/**
 * `ping`: the cheapest possible answer from the server, so the web app can
 * tell "the connection is open but nothing answers" from "all is well"
 * (`components/connection-status.tsx` subscribes to it with a tick that
 * changes every few seconds, and shows a banner when a tick goes unanswered).
 *
 * Tables: none.
 */
import { v } from "convex/values";
import { userQuery } from "./lib/functions";

/** Answers `at` back, reading nothing. */
export const ping = userQuery({
  args: { at: v.number() },
  returns: v.number(),
  handler: (_ctx, { at }) => at,
});
