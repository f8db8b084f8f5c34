/** The live strip: which jobs it lists, the estimate and elapsed time it shows, and its actions. */
import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ActiveJobsStrip, JobLiveRow } from "./job-live-strip";
import { makeJob, mockMutation, resetConvexMocks, setQueryResult } from "./test-support/convex-mocks";

vi.mock("convex/react", async () => (await import("./test-support/convex-mocks")).convexReactMock);
vi.mock("next/link", async () => ({ default: (await import("./test-support/convex-mocks")).LinkStub }));
const toast = vi.hoisted(() => Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }));
vi.mock("sonner", () => ({ toast }));

const T0 = Date.UTC(2030, 0, 15, 10, 0, 0);

beforeEach(() => {
  resetConvexMocks();
  vi.useFakeTimers({ shouldAdvanceTime: true });
  vi.setSystemTime(T0 + 4000);
});
afterEach(() => vi.useRealTimers());

const running = makeJob({
  _id: "job_run" as never,
  status: "processing",
  phase: "generating",
  topic: "Roman roads",
  estimatedTotal: 10,
  questionsSaved: 2,
  startedAt: T0,
  lastProgressAt: T0 + 4000,
  attemptHistory: [{ attempt: 1, startedAt: T0 }],
});

describe("JobLiveRow", () => {
  it("shows n of N, the elapsed time and the estimate from the observed rate, and counts down", () => {
    render(<JobLiveRow job={running} />);
    expect(screen.getByTestId("live-label")).toHaveTextContent("2 of 10 saved");
    // 2 questions in 4 s, 8 to go.
    expect(screen.getByTestId("time-left")).toHaveTextContent("about 16 s left");
    expect(screen.getByText(/0:04/)).toBeInTheDocument();
    act(() => void vi.advanceTimersByTime(6000));
    expect(screen.getByTestId("time-left")).toHaveTextContent("about 10 s left");
    expect(screen.getByText(/0:10/)).toBeInTheDocument();
  });

  it("a job over a source says which section it is on, also while it waits between two sections", () => {
    const source = { sourceId: "src_1" as never, name: "notes.md", step: 3, steps: 12, heading: "Tides" };
    const { rerender } = render(<JobLiveRow job={{ ...running, source, estimatedTotal: 40, questionsSaved: 9 }} />);
    expect(screen.getByTestId("live-label")).toHaveTextContent("Section 3 of 12 · 9 of 40 saved");
    rerender(<JobLiveRow job={{ ...running, status: "queued", source: { ...source, step: 4 }, estimatedTotal: 40 }} />);
    expect(screen.getByTestId("live-label")).toHaveTextContent("Section 4 of 12 · 2 of 40 saved");
    rerender(<JobLiveRow job={{ ...running, status: "paused", source, estimatedTotal: 40 }} />);
    expect(screen.getByTestId("live-label")).toHaveTextContent("Paused · Section 3 of 12 · 2 of 40 saved");
  });

  it("a job not heard from past two heartbeats says how long, instead of counting down", () => {
    render(<JobLiveRow job={{ ...running, questionsSaved: 9 }} />);
    expect(screen.getByTestId("time-left")).toBeInTheDocument();
    act(() => void vi.advanceTimersByTime(40_000));
    expect(screen.queryByTestId("time-left")).not.toBeInTheDocument();
    expect(screen.getByTestId("stalled")).toHaveTextContent("no progress for 40 s");
  });

  it("no estimate while the topic is being planned", () => {
    render(<JobLiveRow job={makeJob({ status: "processing", phase: "planning", startedAt: T0 })} />);
    expect(screen.getByTestId("live-label")).toHaveTextContent("Planning the questions…");
    expect(screen.queryByTestId("time-left")).not.toBeInTheDocument();
  });

  it("Pause pauses; a paused row offers Resume and has no estimate", async () => {
    const pauseJob = mockMutation("generationJobs:pauseJob", () => Promise.resolve({ questionsSaved: 2 }));
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const { rerender } = render(<JobLiveRow job={running} />);
    await user.click(screen.getByRole("button", { name: "Pause" }));
    expect(pauseJob).toHaveBeenCalledWith({ jobId: "job_run" });
    rerender(<JobLiveRow job={{ ...running, status: "paused" }} />);
    expect(screen.getByTestId("live-label")).toHaveTextContent("Paused · 2 of 10 saved");
    expect(screen.queryByTestId("time-left")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Resume" })).toBeInTheDocument();
  });
});

describe("ActiveJobsStrip", () => {
  it("lists the live jobs (running, then paused) the server gives", () => {
    const paused = makeJob({ _id: "job_p" as never, status: "paused", topic: "Paused topic", questionsSaved: 1 });
    setQueryResult("generationJobs:getLiveJobs", [running, paused]);
    render(<ActiveJobsStrip />);
    const strip = screen.getByRole("region", { name: "Generations in progress" });
    expect(
      within(strip)
        .getAllByTestId("job-live-row")
        .map((row) => row.dataset.jobId),
    ).toEqual(["job_run", "job_p"]);
  });

  it("renders nothing when no job is live", () => {
    setQueryResult("generationJobs:getLiveJobs", []);
    const { container } = render(<ActiveJobsStrip />);
    expect(container).toBeEmptyDOMElement();
  });
});
