import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { JOB_STATUSES, ERROR_CODES, type JobStatus } from "./validators";
import { JOB_CONFIG } from "./constants/jobs";
import {
  canTransition,
  describeJobError,
  jobStateDiagram,
  isActiveStatus,
  isJobStuck,
  isFinishedStatus,
  isRunningStatus,
  endsAttempt,
  jobProgress,
  placeLabel,
  plural,
} from "./jobs";

describe("job state machine", () => {
  const allowed: Array<[JobStatus, JobStatus]> = [
    ["queued", "pending"],
    ["queued", "paused"],
    ["queued", "cancelled"],
    ["queued", "failed"],
    ["processing", "queued"],
    ["pending", "processing"],
    ["pending", "cancelled"],
    ["pending", "failed"],
    ["processing", "completed"],
    ["processing", "failed"],
    ["processing", "cancelled"],
    ["pending", "paused"],
    ["processing", "paused"],
    ["paused", "queued"],
    ["paused", "cancelled"],
    ["failed", "queued"],
    ["completed", "queued"],
    ["cancelled", "queued"],
  ];

  test("allows exactly the listed transitions", () => {
    for (const from of JOB_STATUSES) {
      for (const to of JOB_STATUSES) {
        const expected = allowed.some(([f, t]) => f === from && t === to);
        expect(canTransition(from, to), `${from} → ${to}`).toBe(expected);
      }
    }
  });

  test("a late completion can never overwrite a cancellation", () => {
    expect(canTransition("cancelled", "completed")).toBe(false);
    expect(canTransition("cancelled", "failed")).toBe(false);
    expect(canTransition("completed", "failed")).toBe(false);
    expect(canTransition("cancelled", "processing")).toBe(false);
    expect(canTransition("paused", "processing")).toBe(false);
  });

  test("active and terminal statuses", () => {
    expect(JOB_STATUSES.filter(isActiveStatus)).toEqual(["queued", "pending", "processing"]);
    expect(JOB_STATUSES.filter(isRunningStatus)).toEqual(["pending", "processing"]);
    expect(JOB_STATUSES.filter(isFinishedStatus)).toEqual(["completed", "failed", "cancelled"]);
    expect(JOB_STATUSES.filter(endsAttempt)).toEqual(["queued", "paused", "completed", "failed", "cancelled"]);
  });
});

describe("jobProgress", () => {
  test("queued, starting and planning have no percentage yet", () => {
    expect(jobProgress({ status: "queued", phase: "planning", questionsSaved: 0 })).toEqual({
      percent: null,
      label: "Queued",
    });
    expect(jobProgress({ status: "pending", phase: "planning", questionsSaved: 0 })).toEqual({
      percent: null,
      label: "Starting…",
    });
    expect(jobProgress({ status: "processing", phase: "planning", questionsSaved: 0 }).percent).toBeNull();
  });

  test("generating shows saved of estimated, never 100% while running", () => {
    expect(jobProgress({ status: "processing", phase: "generating", questionsSaved: 3, estimatedTotal: 12 })).toEqual({
      percent: 25,
      label: "Generating: 3 of 12 saved",
    });
    expect(
      jobProgress({ status: "processing", phase: "generating", questionsSaved: 12, estimatedTotal: 12 }).percent,
    ).toBe(99);
  });

  test("a job over a source says which section it is writing, also between two sections", () => {
    const source = { sourceId: "k1" as never, name: "notes.md", step: 3, steps: 12 };
    const open = { attempts: 1, attemptHistory: [{ attempt: 1, startedAt: 0 }], source, estimatedTotal: 40 };
    expect(jobProgress({ status: "processing", phase: "planning", questionsSaved: 0, ...open })).toEqual({
      percent: 0,
      label: "Section 3 of 12 · 0 of 40 saved",
    });
    expect(jobProgress({ status: "processing", phase: "generating", questionsSaved: 9, ...open })).toEqual({
      percent: 23,
      label: "Section 3 of 12 · 9 of 40 saved",
    });
    expect(jobProgress({ status: "queued", phase: "generating", questionsSaved: 9, ...open }).label).toBe(
      "Section 3 of 12 · 9 of 40 saved",
    );
    // A new attempt waiting for the pool is queued as any job is.
    const closed = { ...open, attempts: 2, attemptHistory: [{ attempt: 1, startedAt: 0, endedAt: 1 }] };
    expect(jobProgress({ status: "queued", phase: "generating", questionsSaved: 9, ...closed }).label).toBe("Queued");
    expect(placeLabel({ heading: "The Calvin cycle", pageStart: 3, pageEnd: 4 })).toBe("“The Calvin cycle”, pages 3–4");
    expect(placeLabel({ pageStart: 2, pageEnd: 2 })).toBe("page 2");
    expect(placeLabel({})).toBeNull();
  });

  test("completed is 100%; cancelled and failed show what was kept", () => {
    expect(jobProgress({ status: "completed", phase: "finalizing", questionsSaved: 1, estimatedTotal: 5 })).toEqual({
      percent: 100,
      label: "1 question ready",
    });
    expect(jobProgress({ status: "cancelled", phase: "generating", questionsSaved: 4, estimatedTotal: 8 })).toEqual({
      percent: 50,
      label: "4 questions saved",
    });
    expect(jobProgress({ status: "failed", phase: "planning", questionsSaved: 0 })).toEqual({
      percent: 0,
      label: "0 questions saved",
    });
  });
});

test("every error code has plain words", () => {
  for (const code of ERROR_CODES) {
    const { title, detail } = describeJobError(code);
    expect(title.length).toBeGreaterThan(5);
    expect(detail).toMatch(/\.$/);
  }
  expect(describeJobError("API_KEY").detail).toMatch(/won't help/);
  expect(describeJobError(undefined).title).toBe("Something went wrong");
});

test("plural", () => {
  expect(plural(1, "question")).toBe("1 question");
  expect(plural(0, "question")).toBe("0 questions");
});

describe("isJobStuck", () => {
  const stale = JOB_CONFIG.STALE_JOB_AFTER_MS;

  test("a job heard from recently is never stuck, whatever its action says", () => {
    for (const actionState of ["pending", "inProgress", "success", "failed", "canceled", null] as const) {
      expect(isJobStuck({ silentForMs: JOB_CONFIG.DEAD_ACTION_AFTER_MS - 1, actionState })).toBe(false);
    }
    for (const actionState of ["pending", "inProgress", "success", null] as const) {
      expect(isJobStuck({ silentForMs: stale - 1, actionState })).toBe(false);
    }
  });

  test("a job whose action failed or was cancelled is stuck once it has missed two heartbeats", () => {
    for (const actionState of ["failed", "canceled"] as const) {
      expect(isJobStuck({ silentForMs: JOB_CONFIG.DEAD_ACTION_AFTER_MS, actionState })).toBe(true);
    }
  });

  test("a silent job is stuck when its action crashed, ended, was cancelled or is missing", () => {
    for (const actionState of ["success", "failed", "canceled", null] as const) {
      expect(isJobStuck({ silentForMs: stale, actionState })).toBe(true);
    }
  });

  test("a silent job whose action still waits or runs gets until the action time limit", () => {
    for (const actionState of ["pending", "inProgress"] as const) {
      expect(isJobStuck({ silentForMs: stale, actionState })).toBe(false);
      expect(isJobStuck({ silentForMs: JOB_CONFIG.ACTION_TIMEOUT_MS - 1, actionState })).toBe(false);
      expect(isJobStuck({ silentForMs: JOB_CONFIG.ACTION_TIMEOUT_MS, actionState })).toBe(true);
    }
  });
});

test("CLAUDE.md's state diagram is the transition table's", () => {
  const guide = readFileSync(path.resolve(import.meta.dirname, "../CLAUDE.md"), "utf8");
  const diagram = guide.match(/```mermaid\n(stateDiagram-v2\n[\s\S]*?)\n```/)?.[1];
  expect(diagram, "CLAUDE.md has no mermaid stateDiagram-v2 block").toBeDefined();
  expect(diagram).toBe(jobStateDiagram());
});
