/** The job timeline: every kept attempt with how it ended, and a paused job's end. */
import { describe, expect, it } from "vitest";
import { makeJob } from "@/components/test-support/convex-mocks";
import { jobTimelineSteps } from "./job-timeline";

const T0 = Date.UTC(2030, 0, 15, 10, 0, 0);

describe("jobTimelineSteps", () => {
  it("keeps each earlier attempt: its outcome, code and plain message, what it saved", () => {
    const job = makeJob({
      status: "processing",
      phase: "generating",
      attempts: 3,
      startedAt: T0 + 60_000,
      estimatedTotal: 10,
      questionsSaved: 5,
      attemptHistory: [
        {
          attempt: 1,
          startedAt: T0,
          endedAt: T0 + 4000,
          outcome: "failed",
          errorCode: "NETWORK",
          questionsSaved: 2,
        },
        { attempt: 2, startedAt: T0 + 10_000, endedAt: T0 + 13_000, outcome: "paused", questionsSaved: 4 },
        { attempt: 3, startedAt: T0 + 60_000 },
      ],
    });
    const steps = jobTimelineSteps(job);
    expect(steps.map((s) => s.title)).toEqual([
      "Queued",
      "Attempt 1: failed",
      "Attempt 2: paused",
      "Resumed",
      "Planning the questions",
      "Writing questions",
      "Done",
    ]);
    expect(steps[1]).toMatchObject({
      detail: "Lost the connection to the AI service (NETWORK) · 2 questions saved · ran 4 s",
      at: T0 + 4000,
      state: "failed",
    });
    expect(steps[2]).toMatchObject({ detail: "Paused by you · 4 questions saved · ran 3 s", state: "stopped" });
  });

  it("an attempt that made way for another learner's first job, then the job waiting and going on", () => {
    const madeWay = { attempt: 1, startedAt: T0, endedAt: T0 + 2000, outcome: "yielded" as const, questionsSaved: 1 };
    const waiting = jobTimelineSteps(
      makeJob({ status: "queued", phase: "generating", attempts: 2, questionsSaved: 1, attemptHistory: [madeWay] }),
    );
    expect(waiting[1]).toMatchObject({
      title: "Attempt 1: made way",
      detail:
        "Gave its place to someone waiting for their first questions; it goes on from here when its turn comes · 1 question saved · ran 2 s",
      state: "stopped",
    });
    expect(waiting[2]).toMatchObject({
      title: "Went on",
      state: "current",
      detail: "Waiting for its turn in the queue",
    });
    const running = jobTimelineSteps(
      makeJob({
        status: "processing",
        phase: "generating",
        attempts: 2,
        startedAt: T0 + 9000,
        attemptHistory: [madeWay, { attempt: 2, startedAt: T0 + 9000 }],
      }),
    );
    expect(running[2]).toMatchObject({ title: "Went on", at: T0 + 9000, state: "done" });
  });

  it("a paused job ends at Paused, with what it saved", () => {
    const steps = jobTimelineSteps(
      makeJob({ status: "paused", phase: "generating", startedAt: T0, questionsSaved: 3, lastProgressAt: T0 + 5000 }),
    );
    expect(steps.at(-1)).toMatchObject({
      title: "Paused",
      detail: "3 questions saved; resume to continue",
      at: T0 + 5000,
    });
  });
});
