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
