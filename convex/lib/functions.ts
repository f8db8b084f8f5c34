/**
 * Function builders for every public function: they know the caller and
 * check the arguments, so no public function can forget either.
 *
 * - `userQuery`: `ctx.userId` is the caller, or null when signed out; queries
 *   answer signed-out callers with empty results, never with someone's data.
 * - `userMutation`: `ctx.userId` is the caller; signed-out callers get an
 *   `UNAUTHENTICATED` error before the handler runs.
 *
 * `userId` is the identity's `tokenIdentifier` (issuer + subject).
 *
 * **Arguments.** Each function declares its real validators in `args`, and
 * the handler receives exactly those types. They are checked here rather than
 * by Convex: a deployment answers Convex's own argument errors with a bare
 * "Server Error" and no code, while a wrong argument deserves a clear, coded
 * `ConvexError` (`INVALID_ARGUMENT`, or the code in `argErrorCodes`, e.g.
 * `INVALID_PROMPT`). Unknown fields and non-finite numbers (NaN, ±Infinity)
 * are refused too. The function is registered with `args: v.any()` and typed
 * for clients with the declared validators.
 */
import { validate, ValidationError } from "convex-helpers/validators";
import type { Auth, GenericDatabaseReader, RegisteredMutation, RegisteredQuery } from "convex/server";
import { v, type GenericValidator, type Infer, type ObjectType, type PropertyValidators } from "convex/values";
import { appError, type AppErrorCode } from "../../lib/errors";
import type { DataModel } from "../_generated/dataModel";
import { mutation, query, type MutationCtx, type QueryCtx } from "../_generated/server";

export async function getUserId(ctx: { auth: Auth }): Promise<string | null> {
  const identity = await ctx.auth.getUserIdentity();
  return identity?.tokenIdentifier ?? null;
}

type Definition<Ctx, Args extends PropertyValidators, Returns extends GenericValidator> = {
  args: Args;
  returns: Returns;
  /** The error code for a wrong value of an argument (default `INVALID_ARGUMENT`). */
  argErrorCodes?: Partial<Record<keyof Args, AppErrorCode>>;
  handler: (ctx: Ctx, args: ObjectType<Args>) => Promise<Infer<Returns>> | Infer<Returns>;
};

/** A public query; `ctx.userId` is the caller or null. See the module header. */
export function userQuery<Args extends PropertyValidators, Returns extends GenericValidator>(
  definition: Definition<QueryCtx & { userId: string | null }, Args, Returns>,
): RegisteredQuery<"public", ObjectType<Args>, Promise<Infer<Returns>>> {
  const registered = query({
    args: v.any(),
    returns: definition.returns,
    handler: async (ctx, raw: unknown) => {
      const args = checkArgs(ctx.db, definition, raw);
      return await definition.handler({ ...ctx, userId: await getUserId(ctx) }, args);
    },
  });
  return registered;
}

/** A public mutation for signed-in callers; `ctx.userId` is the caller. See the module header. */
export function userMutation<Args extends PropertyValidators, Returns extends GenericValidator>(
  definition: Definition<MutationCtx & { userId: string }, Args, Returns>,
): RegisteredMutation<"public", ObjectType<Args>, Promise<Infer<Returns>>> {
  const registered = mutation({
    args: v.any(),
    returns: definition.returns,
    handler: async (ctx, raw: unknown) => {
      const userId = await getUserId(ctx);
      if (userId === null) throw appError("UNAUTHENTICATED", "Please sign in first.");
      const args = checkArgs(ctx.db, definition, raw);
      return await definition.handler({ ...ctx, userId }, args);
    },
  });
  return registered;
}

/**
 * `raw` as the declared argument types, or a coded `ConvexError` naming the
 * argument that is wrong.
 */
function checkArgs<Args extends PropertyValidators>(
  db: GenericDatabaseReader<DataModel>,
  { args, argErrorCodes }: { args: Args; argErrorCodes?: Partial<Record<keyof Args, AppErrorCode>> },
  raw: unknown,
): ObjectType<Args> {
  const fail = (name: string, message: string) =>
    appError(argErrorCodes?.[name as keyof Args] ?? "INVALID_ARGUMENT", message);
  try {
    validate(v.object(args), raw, { throw: true, db });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const name = error.path?.split(/[.[]/)[0] ?? "";
    if (name && !(name in args)) throw fail(name, `Unknown argument \`${name}\`.`);
    if (error.got === "undefined") throw fail(name, `Missing argument \`${error.path ?? name}\`.`);
    const validator = error.path === name ? args[name] : undefined;
    const expected = validator ? describeValidator(validator) : describeKind(error.expected);
    throw fail(name, `Invalid argument \`${error.path ?? name}\`: expected ${expected}, got ${error.got}.`);
  }
  const nonFinite = findNonFinite(raw);
  if (nonFinite !== null)
    throw fail(nonFinite.split(/[.[]/)[0]!, `Invalid argument \`${nonFinite}\`: expected a finite number.`);
  return raw as ObjectType<Args>;
}

/** What a validator accepts, in words: "a string", "one of "again", "hard"". */
function describeValidator(validator: GenericValidator): string {
  if (validator.kind === "literal") return JSON.stringify(validator.value);
  if (validator.kind === "union") return `one of ${validator.members.map(describeValidator).join(", ")}`;
  return describeKind(validator.kind);
}

function describeKind(kind: string): string {
  const words: Record<string, string> = {
    float64: "a number",
    number: "a number",
    int64: "an integer",
    string: "a string",
    boolean: "true or false",
    object: "an object",
    array: "an array",
    id: "an id",
    null: "null",
  };
  return words[kind] ?? `\`${kind}\``;
}

/** The path of the first NaN or ±Infinity in an argument object, or null. */
function findNonFinite(value: unknown, path = ""): string | null {
  if (typeof value === "number") return Number.isFinite(value) ? null : path;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findNonFinite(item, `${path}[${i}]`);
      if (found !== null) return found;
    }
  } else if (typeof value === "object" && value !== null && !(value instanceof ArrayBuffer)) {
    for (const [key, item] of Object.entries(value)) {
      const found = findNonFinite(item, path ? `${path}.${key}` : key);
      if (found !== null) return found;
    }
  }
  return null;
}
