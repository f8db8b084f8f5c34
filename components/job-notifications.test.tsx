/** JobNotifications: a toast when a job finishes or fails while the user looks elsewhere; silence otherwise. */
import { render } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PublicJob } from "@/lib/validators";
import { JobNotifications } from "./job-notifications";
import { makeJob, mockMutation, resetConvexMocks, setQueryResult } from "./test-support/convex-mocks";

vi.mock("convex/react", async () => (await import("./test-support/convex-mocks")).convexReactMock);
const toast = vi.hoisted(() => Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }));
vi.mock("sonner", () => ({ toast }));
const navigation = vi.hoisted(() => ({ pathname: "/", push: vi.fn() }));
vi.mock("next/navigation", () => ({
  usePathname: () => navigation.pathname,
  useRouter: () => ({ push: navigation.push }),
}));

const running = makeJob({
  status: "processing",
  phase: "generating",
  topic: "React hooks",
  estimatedTotal: 10,
  questionsSaved: 6,
});

function show(jobs: PublicJob[], panelOpen = false) {
  setQueryResult("generationJobs:getRecentJobs", jobs);
  setQueryResult(
    "generationJobs:getActiveJobs",
    jobs.filter((job) => job.status === "pending" || job.status === "processing"),
  );
  return <JobNotifications panelOpen={panelOpen} />;
}

beforeEach(() => {
  resetConvexMocks();
  vi.clearAllMocks();
  navigation.pathname = "/";
});

describe("JobNotifications", () => {
  it("says nothing about jobs that were already finished when the page loaded", () => {
    render(
      show([makeJob({ status: "completed", questionsSaved: 5 }), makeJob({ status: "failed", errorCode: "NETWORK" })]),
    );
    expect(toast.success).not.toHaveBeenCalled();
    expect(toast.error).not.toHaveBeenCalled();
  });

  it("announces a job that completes, with a way to its questions", () => {
    const { rerender } = render(show([running]));
    rerender(show([{ ...running, status: "completed", phase: "finalizing", questionsSaved: 10 }]));
    expect(toast.success).toHaveBeenCalledOnce();
    const [title, options] = toast.success.mock.calls[0] as [
      string,
      { description: string; action: { label: string; onClick: () => void } },
    ];
    expect(title).toBe("Questions ready: React hooks");
    expect(options.description).toBe("10 questions added to My Questions.");
    options.action.onClick();
    expect(navigation.push).toHaveBeenCalledWith("/my-questions?job=job_1");
  });

  it("announces a failure in plain words, offering Retry when it can help", async () => {
    const retryJob = mockMutation("generationJobs:retryJob", () => Promise.resolve("job_1"));
    const { rerender } = render(show([running]));
    rerender(show([{ ...running, status: "failed", errorCode: "RATE_LIMIT", retryable: true }]));
    const [title, options] = toast.error.mock.calls[0] as [
      string,
      { description: string; action: { label: string; onClick: () => void } },
    ];
    expect(title).toBe("Generation stopped: React hooks");
    expect(options.description).toBe("The AI service is busy. 6 questions kept.");
    expect(options.action.label).toBe("Retry");
    options.action.onClick();
    await vi.waitFor(() => expect(retryJob).toHaveBeenCalledWith({ jobId: "job_1" }));
  });

  it("a failure retrying won't fix links to the details instead", () => {
    const { rerender } = render(show([running]));
    rerender(show([{ ...running, status: "failed", errorCode: "API_KEY", retryable: false }]));
    const options = toast.error.mock.calls[0]?.[1] as { action: { label: string; onClick: () => void } };
    expect(options.action.label).toBe("Details");
    options.action.onClick();
    expect(navigation.push).toHaveBeenCalledWith("/jobs/job_1");
  });

  it("stays quiet while the panel is open or the job's own page is showing", () => {
    const { rerender } = render(show([running], true));
    rerender(show([{ ...running, status: "completed" }], true));
    expect(toast.success).not.toHaveBeenCalled();

    navigation.pathname = "/jobs/job_1";
    const other = render(show([running]));
    other.rerender(show([{ ...running, status: "completed" }]));
    expect(toast.success).not.toHaveBeenCalled();
  });

  it("does not echo a cancel back to the user who made it", () => {
    const { rerender } = render(show([running]));
    rerender(show([{ ...running, status: "cancelled" }]));
    expect(toast).not.toHaveBeenCalled();
    expect(toast.success).not.toHaveBeenCalled();
    expect(toast.error).not.toHaveBeenCalled();
  });
});
