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
 *
 * **Page cursors.** A query whose arguments include `paginationOptsValidator`
 * refuses a cursor longer than `MAX_CURSOR_LENGTH`, and a cursor that
 * `paginate` can't read (garbage, or another list's) is an `INVALID_ARGUMENT`
 * naming `paginationOpts.cursor` instead of the database's uncoded error.
 */
import { validate, ValidationError } from "convex-helpers/validators";
import {
  paginationOptsValidator,
  type Auth,
  type GenericDatabaseReader,
  type RegisteredMutation,
  type RegisteredQuery,
} from "convex/server";
import { v, type GenericValidator, type Infer, type ObjectType, type PropertyValidators } from "convex/values";
import { JOB_CONFIG } from "../../lib/constants/jobs";
import { appError, isAppError, type AppErrorCode } from "../../lib/errors";
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
      const paged = pageCursors(definition.args, args).find(([, cursor]) => cursor !== null);
      const db = paged ? withCodedCursorErrors(ctx.db, paged[0]) : ctx.db;
      return await definition.handler({ ...ctx, db, userId: await getUserId(ctx) }, args);
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
  for (const [name, cursor] of pageCursors(args, raw as Record<string, unknown>)) {
    if (cursor !== null && cursor.length > JOB_CONFIG.MAX_CURSOR_LENGTH)
      throw fail(name, `Invalid argument \`${name}.cursor\`: ${NOT_A_CURSOR}`);
  }
  return raw as ObjectType<Args>;
}

/** What a refused page cursor is called (a list with one page, like a job's, gives out none). */
export const NOT_A_CURSOR = "not a cursor this list gave out; start again from the first page.";

/** The page arguments (`paginationOptsValidator`) among `args`, each with the cursor sent. */
function pageCursors(args: PropertyValidators, values: Record<string, unknown>): [string, string | null][] {
  return Object.entries(args).flatMap(([name, validator]): [string, string | null][] =>
    validator === paginationOptsValidator ? [[name, (values[name] as { cursor: string | null }).cursor]] : [],
  );
}

/**
 * `db` whose queries' `paginate` answers a coded `INVALID_ARGUMENT` when the
 * database can't read the cursor (only used when the caller sent one, so a
 * first page's errors stay what they are).
 */
function withCodedCursorErrors<Db extends GenericDatabaseReader<DataModel>>(db: Db, argument: string): Db {
  const wrap = <Query extends object>(query: Query): Query =>
    new Proxy(query, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        if (property === "paginate") {
          return async (...args: unknown[]) => {
            try {
              return (await value.apply(target, args)) as unknown;
            } catch (error) {
              if (isAppError(error)) throw error;
              throw appError("INVALID_ARGUMENT", `Invalid argument \`${argument}.cursor\`: ${NOT_A_CURSOR}`);
            }
          };
        }
        return (...args: unknown[]) => {
          const result: unknown = value.apply(target, args);
          return isQuery(result) ? wrap(result) : result;
        };
      },
    });
  return new Proxy(db, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property !== "query") return value.bind(target) as unknown;
      return (...args: unknown[]) => wrap(value.apply(target, args) as object);
    },
  });
}

/** A query under construction (`withIndex`, `order`, `filter` return one): it can still `paginate`. */
function isQuery(value: unknown): value is object {
  return (
    typeof value === "object" && value !== null && typeof (value as { paginate?: unknown }).paginate === "function"
  );
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
