/**
 * Function builders that know the caller, so no public function can forget to
 * check who is calling (the pattern of convex-helpers' `customCtx`).
 *
 * - `userQuery`: `ctx.userId` is the caller, or null when signed out; queries
 *   answer signed-out callers with empty results, never with someone's data.
 * - `userMutation`: `ctx.userId` is the caller; signed-out callers get an
 *   `UNAUTHENTICATED` error before the handler runs.
 *
 * `userId` is the identity's `tokenIdentifier` (issuer + subject).
 */
import { customCtx, customMutation, customQuery } from "convex-helpers/server/customFunctions";
import type { Auth } from "convex/server";
import { appError } from "../../lib/errors";
import { mutation, query } from "../_generated/server";

export async function getUserId(ctx: { auth: Auth }): Promise<string | null> {
  const identity = await ctx.auth.getUserIdentity();
  return identity?.tokenIdentifier ?? null;
}

export const userQuery = customQuery(
  query,
  customCtx(async (ctx) => ({ userId: await getUserId(ctx) })),
);

export const userMutation = customMutation(
  mutation,
  customCtx(async (ctx) => {
    const userId = await getUserId(ctx);
    if (userId === null) throw appError("UNAUTHENTICATED", "Please sign in first.");
    return { userId };
  }),
);
