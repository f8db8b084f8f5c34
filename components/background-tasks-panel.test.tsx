/** BackgroundTasksPanel: recent jobs with active ones first, the status filter, and empty states. */
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Id } from "@/convex/_generated/dataModel";
import type { JobStatus } from "@/lib/validators";
import { AppShellContext } from "@/hooks/use-app-shell";
import { BackgroundTasksPanel } from "./background-tasks-panel";
import type { JobStatusFilter } from "@/lib/jobs";
import { makeJob, resetConvexMocks, setQueryResult } from "./test-support/convex-mocks";

vi.mock("convex/react", async () => (await import("./test-support/convex-mocks")).convexReactMock);
vi.mock("next/link", async () => ({ default: (await import("./test-support/convex-mocks")).LinkStub }));
vi.mock("sonner", () => ({ toast: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }) }));

const openGenerate = vi.fn();

function Harness({ initialFilter = "all" }: { initialFilter?: JobStatusFilter }) {
  const [open, setOpen] = useState(true);
  const [filter, setFilter] = useState<JobStatusFilter>(initialFilter);
  return (
    <AppShellContext value={{ openGenerate, openTasksPanel: vi.fn() }}>
      <BackgroundTasksPanel open={open} onOpenChange={setOpen} filter={filter} onFilterChange={setFilter} />
    </AppShellContext>
  );
}

const job = (id: string, status: JobStatus, topic: string, extra = {}) =>
  makeJob({ _id: id as Id<"generationJobs">, status, topic, prompt: topic, ...extra });

const recent = [
  job("done1", "completed", "Roman emperors", { questionsSaved: 10 }),
  job("run1", "processing", "React hooks", { phase: "generating", estimatedTotal: 10, questionsSaved: 4 }),
  job("fail1", "failed", "Cell biology", { errorCode: "NETWORK", retryable: true }),
  job("queued1", "pending", "Spanish verbs"),
];

beforeEach(() => {
  resetConvexMocks();
  openGenerate.mockClear();
});

describe("BackgroundTasksPanel", () => {
  it("lists recent jobs with the active ones first, under their own heading", () => {
    setQueryResult("generationJobs:getRecentJobs", (args: { status?: JobStatus }) => (args.status ? [] : recent));
    setQueryResult("generationJobs:getActiveJobs", [recent[1], recent[3]]);
    render(<Harness />);

    const panel = screen.getByRole("dialog", { name: "Background tasks" });
    const inProgress = within(panel).getByRole("region", { name: "In progress" });
    const recentSection = within(panel).getByRole("region", { name: "Recent" });
    const titles = (section: HTMLElement) =>
      within(section)
        .getAllByRole("heading", { level: 4 })
        .map((h) => h.textContent);
    expect(titles(inProgress)).toEqual(["React hooks", "Spanish verbs"]);
    expect(titles(recentSection)).toEqual(["Roman emperors", "Cell biology"]);
    // The Active tab carries the live count.
    expect(within(panel).getByRole("tab", { name: /Active/ })).toHaveTextContent("Active2");
  });

  it("filters by status through the server query", async () => {
    const asked: unknown[] = [];
    setQueryResult("generationJobs:getRecentJobs", (args: { status?: JobStatus }) => {
      asked.push(args);
      return args.status === "failed" ? [recent[2]] : recent;
    });
    setQueryResult("generationJobs:getActiveJobs", []);
    render(<Harness />);
    await userEvent.setup().click(screen.getByRole("tab", { name: "Failed" }));

    const tabPanel = screen.getByRole("tabpanel");
    expect(within(tabPanel).getAllByRole("article")).toHaveLength(1);
    expect(within(tabPanel).getByText("Lost the connection to the AI service")).toBeInTheDocument();
    expect(asked).toContainEqual({ limit: 20, status: "failed" });
  });

  it("the Active filter reads the active jobs only", () => {
    setQueryResult("generationJobs:getRecentJobs", recent);
    setQueryResult("generationJobs:getActiveJobs", [recent[1]]);
    render(<Harness initialFilter="active" />);
    expect(within(screen.getByRole("tabpanel")).getAllByRole("article")).toHaveLength(1);
  });

  it("with no jobs at all: an empty state whose button starts a generation", async () => {
    setQueryResult("generationJobs:getRecentJobs", []);
    setQueryResult("generationJobs:getActiveJobs", []);
    render(<Harness />);
    expect(screen.getByText("Nothing yet. Start a generation and follow it here.")).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole("button", { name: "Generate questions" }));
    expect(openGenerate).toHaveBeenCalledOnce();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("an empty filter says so plainly", () => {
    setQueryResult("generationJobs:getRecentJobs", []);
    setQueryResult("generationJobs:getActiveJobs", []);
    render(<Harness initialFilter="cancelled" />);
    expect(screen.getByText("No cancelled generations.")).toBeInTheDocument();
  });

  it("shows placeholders while loading, not an empty state", () => {
    render(<Harness />);
    expect(screen.getByRole("status", { name: "Loading tasks" })).toBeInTheDocument();
    expect(screen.queryByText(/Nothing yet/)).not.toBeInTheDocument();
  });

  it("a card retried in the Failed tab stays there with its new state until the user leaves the tab", async () => {
    let failed = [recent[2]!];
    let all = recent;
    setQueryResult("generationJobs:getRecentJobs", (args: { status?: JobStatus }) =>
      args.status === "failed" ? failed : args.status ? [] : all,
    );
    setQueryResult("generationJobs:getActiveJobs", []);
    const user = userEvent.setup();
    const { rerender } = render(<Harness initialFilter="failed" />);
    expect(screen.getByRole("heading", { name: "Cell biology" })).toBeInTheDocument();

    // Retried: it is no longer failed, and the recent list has it queued.
    const retried = { ...recent[2]!, status: "queued" as const, attempts: 2 };
    failed = [];
    all = recent.map((j) => (j._id === retried._id ? retried : j));
    rerender(<Harness initialFilter="failed" />);
    const card = screen.getByRole("article", { name: "Cell biology" });
    expect(within(card).getByText("Queued")).toBeInTheDocument();

    await user.click(screen.getByRole("tab", { name: "All" }));
    await user.click(screen.getByRole("tab", { name: "Failed" }));
    expect(screen.queryByRole("heading", { name: "Cell biology" })).not.toBeInTheDocument();
    expect(screen.getByText("No failed generations. Good.")).toBeInTheDocument();
  });
});
