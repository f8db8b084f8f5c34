/** GenerationTaskCard: what each job state shows and which actions it offers, and that they call the server. */
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ConvexError } from "convex/values";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GenerationTaskCard } from "./generation-task-card";
import { makeJob, mockMutation, resetConvexMocks, setQueryResult } from "./test-support/convex-mocks";

vi.mock("convex/react", async () => (await import("./test-support/convex-mocks")).convexReactMock);
vi.mock("next/link", async () => ({ default: (await import("./test-support/convex-mocks")).LinkStub }));
const toast = vi.hoisted(() => Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }));
vi.mock("sonner", () => ({ toast }));

/** Tokens used today: well inside the budget. */
const TOKENS_TODAY = { usedTokens: 0, budgetTokens: 1_000_000, resetsAt: Date.now() + 3_600_000 };

beforeEach(() => {
  resetConvexMocks();
  toast.mockClear();
  toast.success.mockClear();
  toast.error.mockClear();
});
afterEach(() => vi.useRealTimers());

function card() {
  return screen.getByRole("article");
}

describe("GenerationTaskCard", () => {
  it("queued: its place in line and expected start, indeterminate progress, cancel offered, nothing to view yet", () => {
    const job = makeJob({ status: "queued" });
    setQueryResult("generationQueue:getQueueStatus", {
      running: 8,
      maxParallel: 8,
      jobs: [{ jobId: job._id, place: 3, placeCapped: false, estimatedStartAt: Date.now() + 95_000 }],
    });
    render(<GenerationTaskCard job={job} />);
    expect(within(card()).getAllByText("Queued").length).toBeGreaterThan(0);
    expect(within(card()).getByTestId("queue-standing")).toHaveTextContent("3rd in line · starts in about 2 min");
    expect(screen.getByRole("progressbar")).not.toHaveAttribute("aria-valuenow");
    expect(screen.getByRole("button", { name: "Cancel" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: /view questions/i })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Retry" })).not.toBeInTheDocument();
  });

  it("pending (dispatched, its action about to run): starting", () => {
    render(<GenerationTaskCard job={makeJob({ status: "pending" })} />);
    expect(within(card()).getAllByText("Starting").length).toBeGreaterThan(0);
    expect(screen.getByRole("button", { name: "Cancel" })).toBeInTheDocument();
  });

  it("processing: phase label, progress from saved/estimated, live count, links to its questions", () => {
    const job = makeJob({
      status: "processing",
      phase: "generating",
      topic: "NATO alphabet",
      estimatedTotal: 12,
      questionsSaved: 3,
      questionsGenerated: 3,
      startedAt: Date.UTC(2030, 0, 15, 10, 0, 5),
    });
    render(<GenerationTaskCard job={job} />);
    expect(within(card()).getByText("Generating")).toBeInTheDocument();
    expect(screen.getByText("Generating: 3 of 12 saved")).toBeInTheDocument();
    expect(screen.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "25");
    expect(screen.getByRole("heading", { name: "NATO alphabet" })).toBeInTheDocument();
    expect(screen.getByText("“NATO phonetic alphabet”")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /view questions/i })).toHaveAttribute("href", "/my-questions?job=job_1");
    expect(screen.getByRole("button", { name: "Cancel" })).toBeInTheDocument();
  });

  it("processing while the topic is being worked out: indeterminate bar", () => {
    render(<GenerationTaskCard job={makeJob({ status: "processing", phase: "planning" })} />);
    expect(screen.getByText("Planning the questions…")).toBeInTheDocument();
    expect(screen.getByRole("progressbar")).not.toHaveAttribute("aria-valuenow");
  });

  it("completed: count and duration, View questions to My Questions filtered by the job, no cancel", () => {
    render(
      <GenerationTaskCard
        job={makeJob({
          status: "completed",
          phase: "finalizing",
          topic: "NATO alphabet",
          questionsSaved: 12,
          durationMs: 42_000,
          completedAt: Date.UTC(2030, 0, 15, 10, 1),
        })}
      />,
    );
    expect(within(card()).getByText("Done")).toBeInTheDocument();
    expect(screen.getByText(/12 questions ready/)).toHaveTextContent("12 questions ready · took 42 s");
    expect(screen.getByRole("link", { name: /view questions/i })).toHaveAttribute("href", "/my-questions?job=job_1");
    expect(screen.queryByRole("button", { name: "Cancel" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Retry" })).not.toBeInTheDocument();
  });

  it("done after the quality check: how many it rewrote, and skipped (unusable, or rejected and not replaced)", () => {
    const notes = [
      { question: "Q", flaws: [{ code: "LONGEST_ANSWER" as const, reason: "r" }], outcome: "dropped" as const },
    ];
    render(
      <GenerationTaskCard
        job={makeJob({
          status: "completed",
          phase: "finalizing",
          questionsSaved: 20,
          questionsSkipped: 1,
          qualityGate: { rewritten: 3, dropped: 1, marked: 2, notes },
        })}
      />,
    );
    expect(screen.getByText(/20 questions ready/)).toHaveTextContent("20 questions ready · 3 rewritten · 2 skipped");
  });

  it("cancelled: says how many questions were kept and links to them", () => {
    render(<GenerationTaskCard job={makeJob({ status: "cancelled", phase: "generating", questionsSaved: 4 })} />);
    expect(within(card()).getByText("Cancelled")).toBeInTheDocument();
    expect(screen.getByText("Cancelled · 4 questions kept")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /view questions/i })).toHaveAttribute("href", "/my-questions?job=job_1");
    expect(screen.queryByRole("button", { name: "Cancel" })).not.toBeInTheDocument();
  });

  it("cancelled before anything was saved: no link to an empty list", () => {
    render(<GenerationTaskCard job={makeJob({ status: "cancelled" })} />);
    expect(screen.getByText("Cancelled before any question was saved")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: /view questions/i })).not.toBeInTheDocument();
  });

  it("failed and retryable: the error in plain words, kept count, Retry", () => {
    render(
      <GenerationTaskCard
        job={makeJob({
          status: "failed",
          phase: "generating",
          errorCode: "NETWORK",
          errorMessage: "fetch failed",
          retryable: true,
          questionsSaved: 2,
        })}
      />,
    );
    expect(within(card()).getByText("Failed")).toBeInTheDocument();
    expect(screen.getByText("Lost the connection to the AI service")).toBeInTheDocument();
    expect(screen.getByText("2 questions kept")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Retry" })).toBeInTheDocument();
    // The raw provider message stays on the job page, not in the card.
    expect(screen.queryByText("fetch failed")).not.toBeInTheDocument();
  });

  it("failed and not retryable: explains, offers no Retry", () => {
    render(<GenerationTaskCard job={makeJob({ status: "failed", errorCode: "API_KEY", retryable: false })} />);
    expect(screen.getByText("The AI service refused the server's key")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Retry" })).not.toBeInTheDocument();
  });

  it("interrupted: its own state, with Continue and how many questions are left", () => {
    render(
      <GenerationTaskCard
        job={makeJob({
          status: "failed",
          errorCode: "INTERRUPTED",
          retryable: true,
          attempts: 2,
          estimatedTotal: 40,
          questionsSaved: 12,
        })}
      />,
    );
    expect(within(card()).getByText("Interrupted")).toBeInTheDocument();
    expect(screen.queryByText("Failed")).not.toBeInTheDocument();
    expect(screen.getByText("The job was interrupted")).toBeInTheDocument();
    expect(screen.getByText(/attempt 2/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Continue: 28 left" })).toBeInTheDocument();
  });

  it("paused and resumed is not another attempt; a retry after a failure is", () => {
    const history = [
      { attempt: 1, startedAt: 1, endedAt: 2, outcome: "paused" as const },
      { attempt: 2, startedAt: 3 },
    ];
    const { rerender } = render(
      <GenerationTaskCard job={makeJob({ status: "processing", attempts: 2, attemptHistory: history })} />,
    );
    expect(screen.queryByText(/attempt/)).not.toBeInTheDocument();
    rerender(
      <GenerationTaskCard
        job={makeJob({
          status: "processing",
          attempts: 2,
          attemptHistory: [{ ...history[0]!, outcome: "failed", errorCode: "NETWORK" }, history[1]!],
        })}
      />,
    );
    expect(screen.getByText(/attempt 2/)).toBeInTheDocument();
  });

  it("at the concurrency limit, Retry is disabled with the reason beside it", () => {
    setQueryResult("admission:getStartAllowance", {
      running: 3,
      maxRunning: 3,
      rateLimitedUntil: null,
      tokensToday: TOKENS_TODAY,
    });
    render(<GenerationTaskCard job={makeJob({ status: "failed", errorCode: "NETWORK", retryable: true })} />);
    expect(screen.getByRole("button", { name: "Retry" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Retry" })).toHaveAccessibleDescription(
      "All 3 generations are running; wait for one to finish.",
    );
  });

  it("running: Pause pauses the job and says what was kept", async () => {
    const pauseJob = mockMutation("generationJobs:pauseJob", () => Promise.resolve({ questionsSaved: 4 }));
    const user = userEvent.setup();
    render(<GenerationTaskCard job={makeJob({ status: "processing", phase: "generating", estimatedTotal: 10 })} />);
    await user.click(screen.getByRole("button", { name: "Pause" }));
    expect(pauseJob).toHaveBeenCalledWith({ jobId: "job_1" });
    expect(toast).toHaveBeenCalledWith("Generation paused", expect.anything());
  });

  it("paused: its own state, Resume and Cancel, no Pause", async () => {
    const resumeJob = mockMutation("generationJobs:resumeJob", () => Promise.resolve("job_1"));
    const user = userEvent.setup();
    render(
      <GenerationTaskCard
        job={makeJob({ status: "paused", phase: "generating", estimatedTotal: 10, questionsSaved: 4, topic: "Roads" })}
      />,
    );
    expect(within(card()).getByText("Paused")).toBeInTheDocument();
    expect(screen.getByText(/Paused · 4 questions saved of 10/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Pause" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Cancel" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Resume" }));
    expect(resumeJob).toHaveBeenCalledWith({ jobId: "job_1" });
  });

  it("cancelled with questions left: Continue; completed: 10 more, until the job is full", async () => {
    const extendJob = mockMutation("generationJobs:extendJob", () => Promise.resolve({ jobId: "job_1", added: 10 }));
    const user = userEvent.setup();
    const { rerender } = render(
      <GenerationTaskCard job={makeJob({ status: "cancelled", estimatedTotal: 40, questionsSaved: 12 })} />,
    );
    expect(screen.getByRole("button", { name: "Continue: 28 left" })).toBeInTheDocument();
    rerender(<GenerationTaskCard job={makeJob({ status: "completed", estimatedTotal: 10, questionsSaved: 10 })} />);
    await user.click(screen.getByRole("button", { name: "10 more" }));
    expect(extendJob).toHaveBeenCalledWith({ jobId: "job_1" });
    expect(toast.success).toHaveBeenCalledWith("Writing 10 more", expect.anything());
    rerender(<GenerationTaskCard job={makeJob({ status: "completed", estimatedTotal: 50, questionsSaved: 50 })} />);
    expect(screen.queryByRole("button", { name: /more/ })).not.toBeInTheDocument();
  });

  it("shows the prompt as text, never as markup", () => {
    render(<GenerationTaskCard job={makeJob({ prompt: '<img src=x onerror="alert(1)"> hooks' })} />);
    expect(screen.getByRole("heading")).toHaveTextContent('<img src=x onerror="alert(1)"> hooks');
    expect(card().querySelector("img")).toBeNull();
  });

  it("Cancel asks first; confirming cancels the job and reports what was kept", async () => {
    const cancelJob = mockMutation("generationJobs:cancelJob", () => Promise.resolve({ questionsSaved: 3 }));
    const user = userEvent.setup();
    render(
      <GenerationTaskCard
        job={makeJob({ status: "processing", phase: "generating", estimatedTotal: 10, questionsSaved: 3 })}
      />,
    );

    await user.click(screen.getByRole("button", { name: "Cancel" }));
    const dialog = await screen.findByRole("alertdialog");
    expect(dialog).toHaveTextContent("The 3 questions saved so far stay in My Questions.");
    expect(cancelJob).not.toHaveBeenCalled();

    await user.click(within(dialog).getByRole("button", { name: "Stop generation" }));
    expect(cancelJob).toHaveBeenCalledWith({ jobId: "job_1" });
    await vi.waitFor(() =>
      expect(toast).toHaveBeenCalledWith("Generation cancelled", { description: "3 questions kept." }),
    );
  });

  it("Keep generating closes the confirmation without cancelling", async () => {
    const cancelJob = mockMutation("generationJobs:cancelJob");
    const user = userEvent.setup();
    render(<GenerationTaskCard job={makeJob({ status: "pending" })} />);
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    await user.click(await screen.findByRole("button", { name: "Keep generating" }));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(cancelJob).not.toHaveBeenCalled();
  });

  it("a cancel the server refuses (already finished) is reported", async () => {
    mockMutation("generationJobs:cancelJob", () =>
      Promise.reject(
        new ConvexError({
          code: "INVALID_STATE",
          message: "This job has already completed, so it can't be cancelled.",
        }),
      ),
    );
    const user = userEvent.setup();
    render(<GenerationTaskCard job={makeJob({ status: "processing", phase: "generating" })} />);
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    await user.click(await screen.findByRole("button", { name: "Stop generation" }));
    await vi.waitFor(() =>
      expect(toast.error).toHaveBeenCalledWith("Couldn't cancel", {
        description: "This job has already completed, so it can't be cancelled.",
      }),
    );
  });

  it("Retry calls retryJob for that job", async () => {
    const retryJob = mockMutation("generationJobs:retryJob", () => Promise.resolve("job_1"));
    const user = userEvent.setup();
    render(<GenerationTaskCard job={makeJob({ status: "failed", errorCode: "RATE_LIMIT", retryable: true })} />);
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(retryJob).toHaveBeenCalledWith({ jobId: "job_1" });
    await vi.waitFor(() => expect(toast.success).toHaveBeenCalledWith("Retrying", expect.anything()));
  });

  it("following a link tells the panel to close", async () => {
    const onNavigate = vi.fn();
    const user = userEvent.setup();
    render(<GenerationTaskCard job={makeJob({ status: "completed", questionsSaved: 5 })} onNavigate={onNavigate} />);
    await user.click(screen.getByRole("link", { name: /view questions/i }));
    expect(onNavigate).toHaveBeenCalledOnce();
  });
});
