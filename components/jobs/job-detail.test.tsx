/** JobDetail's states: loading, not found, running (live row, the question being written), paused, failed, done. */
import { render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Id } from "@/convex/_generated/dataModel";
import { newCard } from "@/lib/fsrs";
import type { PublicJob, QuestionDoc } from "@/lib/validators";
import { makeJob, resetConvexMocks, setQueryResult } from "@/components/test-support/convex-mocks";
import { JobDetail } from "./job-detail";

vi.mock("convex/react", async () => (await import("@/components/test-support/convex-mocks")).convexReactMock);
vi.mock("next/link", async () => ({ default: (await import("@/components/test-support/convex-mocks")).LinkStub }));
const toast = vi.hoisted(() => Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }));
vi.mock("sonner", () => ({ toast }));

/** Tokens used today: well inside the budget. */
const TOKENS_TODAY = { usedTokens: 0, budgetTokens: 1_000_000, resetsAt: Date.now() + 3_600_000 };

const T0 = Date.now() - 60_000;

function question(n: number): QuestionDoc {
  return {
    _id: `q${n}` as Id<"questions">,
    _creationTime: T0 + n,
    userId: "user",
    question: `Saved question ${n}?`,
    type: "true-false",
    options: ["True", "False"],
    correctAnswer: "True",
    explanation: "",
    difficulty: "easy",
    topic: "Roman roads",
    generationJobId: "job_1" as Id<"generationJobs">,
    createdAt: T0 + n,
    card: newCard(T0),
  };
}

function show(job: PublicJob | null | undefined, questions: QuestionDoc[] | undefined = []) {
  setQueryResult("generationJobs:getJobById", () => job);
  setQueryResult("myQuestions:listJobQuestions", () => questions);
  return render(<JobDetail jobId="job_1" />);
}

beforeEach(() => resetConvexMocks());

describe("JobDetail", () => {
  it("loading: a skeleton that says what it waits for", () => {
    show(undefined);
    expect(screen.getByRole("status", { name: "Loading the generation" })).toBeInTheDocument();
  });

  it("not found: says why it may be gone and where to look", () => {
    show(null);
    expect(screen.getByRole("heading", { level: 1, name: "Generation not found" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Open background tasks" })).toBeInTheDocument();
  });

  it("running: the prompt, the live row, the question being written first and the saved ones newest first", () => {
    const job = makeJob({
      status: "processing",
      phase: "generating",
      topic: "Roman roads",
      prompt: "Roman roads [[count:6]]",
      estimatedTotal: 6,
      questionsSaved: 2,
      startedAt: T0,
      lastProgressAt: Date.now(),
    });
    show(job, [question(1), question(2)]);
    expect(screen.getByRole("heading", { level: 1, name: "Roman roads" })).toBeInTheDocument();
    expect(screen.getByText("Roman roads [[count:6]]")).toBeInTheDocument();
    expect(screen.getByTestId("job-live-row")).toHaveTextContent("2 of 6 saved");
    const section = screen.getByRole("region", { name: /^Questions/ });
    const items = [...section.querySelectorAll(":scope > ol > li")] as HTMLElement[];
    // The status sits inside a list item (a list holds only items) and says what is being written.
    expect(within(items[0]!).getByRole("status")).toHaveTextContent("Writing question 3…");
    expect(within(items[1]!).getByRole("heading", { name: "Saved question 2?" })).toBeInTheDocument();
    expect(within(items[2]!).getByRole("heading", { name: "Saved question 1?" })).toBeInTheDocument();
    // No source comment leaks into the page.
    expect(document.body).not.toHaveTextContent("Newest first");
  });

  it("paused: Resume and Cancel in the live row, nothing being written", () => {
    show(makeJob({ status: "paused", topic: "Roman roads", estimatedTotal: 6, questionsSaved: 2 }), [question(1)]);
    const row = screen.getByTestId("job-live-row");
    expect(row).toHaveTextContent("Paused · 2 of 6 saved");
    expect(within(row).getByRole("button", { name: "Resume" })).toBeInTheDocument();
    expect(screen.queryByText(/Writing question \d/)).not.toBeInTheDocument();
  });

  it("failed: what went wrong in plain words, what was kept, Retry", () => {
    show(
      makeJob({
        status: "failed",
        errorCode: "NETWORK",
        retryable: true,
        topic: "Roman roads",
        questionsSaved: 1,
        estimatedTotal: 6,
      }),
      [question(1)],
    );
    const error = screen.getByRole("region", { name: /connection/i });
    expect(error).toHaveTextContent("1 question kept.");
    expect(screen.getByRole("button", { name: "Retry" })).toBeInTheDocument();
  });

  it("completed: 10 more, a link to its questions, no live row", () => {
    show(
      makeJob({
        status: "completed",
        topic: "Roman roads",
        questionsSaved: 2,
        estimatedTotal: 2,
        completedAt: T0 + 5000,
      }),
      [question(1), question(2)],
    );
    expect(screen.queryByTestId("job-live-row")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "10 more" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Open in My Questions" })).toHaveAttribute(
      "href",
      "/my-questions?job=job_1",
    );
    expect(screen.getByRole("heading", { name: "Questions (2)" })).toBeInTheDocument();
  });

  it("a rate limit ahead: 10 more is disabled, saying when it can start", async () => {
    setQueryResult("admission:getStartAllowance", {
      running: 0,
      maxRunning: 3,
      rateLimitedUntil: Date.now() + 128_400,
      tokensToday: TOKENS_TODAY,
    });
    show(makeJob({ status: "completed", topic: "Roman roads", questionsSaved: 2, estimatedTotal: 2 }), [question(1)]);
    expect(screen.getByRole("button", { name: "10 more" })).toBeDisabled();
    await waitFor(() =>
      expect(screen.getByRole("button", { name: "10 more" })).toHaveAccessibleDescription(
        /the next can start in 2:0\d\.$/,
      ),
    );
  });
});
