/**
 * Test doubles for components that call Convex: `convex/react`'s hooks are
 * replaced (see `vi.mock("convex/react")` in each test) by functions looked up
 * by Convex function name, so a test says "createJob resolves to X" and
 * asserts on the calls. Also a `PublicJob` builder and a `next/link` stand-in.
 */
import { getFunctionName, type FunctionReference } from "convex/server";
import type { AnchorHTMLAttributes, ReactNode } from "react";
import { vi, type Mock } from "vitest";
import type { Id } from "@/convex/_generated/dataModel";
import type { PublicJob } from "@/lib/validators";

export type MutationMock = Mock<(args: Record<string, unknown>) => Promise<unknown>>;

/** Mutations by function name ("generationJobs:createJob"). */
export const mutations = new Map<string, MutationMock>();
/**
 * Query results by function name: a value, or a function of the query's args.
 * Missing (or a function returning undefined) means "still loading".
 */
export const queryResults = new Map<string, unknown>();

export function setQueryResult(name: string, result: unknown) {
  queryResults.set(name, result);
}

/** What `usePaginatedQuery` returns for a function: results and status, or a function of the query's args. */
export type PaginatedResult = {
  results: unknown[];
  status: "LoadingFirstPage" | "CanLoadMore" | "LoadingMore" | "Exhausted";
};
/** Paginated query results by function name (missing: the first page is loading). */
export const paginatedResults = new Map<
  string,
  PaginatedResult | ((args: Record<string, unknown>) => PaginatedResult)
>();
/** `loadMore` of every paginated query, to assert on. */
export const loadMore = vi.fn();

export function mockMutation(
  name: string,
  implementation?: (args: Record<string, unknown>) => Promise<unknown>,
): MutationMock {
  const mock: MutationMock = vi.fn(implementation ?? (() => Promise.resolve(null)));
  mutations.set(name, mock);
  return mock;
}

export function resetConvexMocks() {
  mutations.clear();
  queryResults.clear();
  paginatedResults.clear();
  loadMore.mockClear();
}

/** The module `vi.mock("convex/react", ...)` returns. */
export const convexReactMock = {
  useMutation: (ref: FunctionReference<"mutation">) => {
    const name = getFunctionName(ref);
    return (args: Record<string, unknown>) => {
      const mock = mutations.get(name);
      if (!mock) throw new Error(`No mock for mutation ${name}`);
      return mock(args);
    };
  },
  useQuery: (ref: FunctionReference<"query">, args?: unknown): unknown => {
    if (args === "skip") return undefined;
    const result = queryResults.get(getFunctionName(ref));
    return typeof result === "function" ? (result as (args: unknown) => unknown)(args ?? {}) : result;
  },
  usePaginatedQuery: (ref: FunctionReference<"query">, args: Record<string, unknown> | "skip") => {
    const loading = { results: [], status: "LoadingFirstPage" as const };
    const result = args === "skip" ? loading : paginatedResults.get(getFunctionName(ref));
    const value = typeof result === "function" ? result(args as Record<string, unknown>) : (result ?? loading);
    return { ...value, isLoading: value.status === "LoadingFirstPage" || value.status === "LoadingMore", loadMore };
  },
  /** The client, for one-shot queries (`convex.query`): answered from `queryResults`, like `useQuery`. */
  useConvex: () => ({
    query: (ref: FunctionReference<"query">, args: unknown) => Promise.resolve(convexReactMock.useQuery(ref, args)),
  }),
};

/** `next/link` as a plain anchor (no app router in jsdom). */
export function LinkStub({
  href,
  children,
  onClick,
  ...props
}: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children: ReactNode }) {
  return (
    <a
      href={href}
      onClick={(event) => {
        onClick?.(event);
        event.preventDefault(); // jsdom cannot navigate
      }}
      {...props}
    >
      {children}
    </a>
  );
}

const CREATED_AT = Date.UTC(2030, 0, 15, 10, 0, 0);

export function makeJob(overrides: Partial<PublicJob> = {}): PublicJob {
  return {
    _id: "job_1" as Id<"generationJobs">,
    _creationTime: CREATED_AT,
    kind: "questions",
    prompt: "NATO phonetic alphabet",
    status: "pending",
    phase: "planning",
    questionsGenerated: 0,
    questionsSaved: 0,
    createdAt: CREATED_AT,
    lastProgressAt: CREATED_AT,
    attempts: 1,
    ...overrides,
  };
}
