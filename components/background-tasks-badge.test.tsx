/** BackgroundTasksBadge: the live count of active jobs, said in its accessible name, without moving the layout. */
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { BackgroundTasksBadge } from "./background-tasks-badge";
import { TooltipProvider } from "./ui/tooltip";
import { makeJob, resetConvexMocks, setQueryResult } from "./test-support/convex-mocks";
import type { Id } from "@/convex/_generated/dataModel";

vi.mock("convex/react", async () => (await import("./test-support/convex-mocks")).convexReactMock);

beforeEach(() => resetConvexMocks());

function renderBadge(onOpenPanel = vi.fn()) {
  return render(
    <TooltipProvider>
      <BackgroundTasksBadge onOpenPanel={onOpenPanel} />
    </TooltipProvider>,
  );
}

describe("BackgroundTasksBadge", () => {
  it("with nothing running: says so, and shows no number", () => {
    setQueryResult("generationJobs:getActiveJobs", []);
    renderBadge();
    expect(screen.getByRole("button", { name: "Background tasks, none running" })).toBeInTheDocument();
    expect(screen.getByTestId("active-jobs-count")).toHaveTextContent("");
  });

  it("counts pending and processing jobs, live, in a slot that is always there", () => {
    setQueryResult("generationJobs:getActiveJobs", []);
    const { rerender } = renderBadge();
    const slot = screen.getByTestId("active-jobs-count");

    setQueryResult("generationJobs:getActiveJobs", [
      makeJob({ _id: "a" as Id<"generationJobs">, status: "processing" }),
      makeJob({ _id: "b" as Id<"generationJobs">, status: "pending" }),
    ]);
    rerender(
      <TooltipProvider>
        <BackgroundTasksBadge onOpenPanel={vi.fn()} />
      </TooltipProvider>,
    );
    expect(screen.getByRole("button", { name: "Background tasks, 2 running" })).toBeInTheDocument();
    // Same element, now filled: the count never changes the navbar's layout.
    expect(screen.getByTestId("active-jobs-count")).toBe(slot);
    expect(slot).toHaveTextContent("2");
    expect(slot).toHaveClass("absolute");
    expect(screen.getByTestId("queued-jobs-count")).toHaveTextContent("");
  });

  it("counts queued jobs apart from running ones", () => {
    setQueryResult("generationJobs:getActiveJobs", [
      makeJob({ _id: "a" as Id<"generationJobs">, status: "processing" }),
      makeJob({ _id: "b" as Id<"generationJobs">, status: "queued" }),
      makeJob({ _id: "c" as Id<"generationJobs">, status: "queued" }),
    ]);
    renderBadge();
    expect(screen.getByRole("button", { name: "Background tasks, 1 running, 2 queued" })).toBeInTheDocument();
    expect(screen.getByTestId("active-jobs-count")).toHaveTextContent("1");
    expect(screen.getByTestId("queued-jobs-count")).toHaveTextContent("2");
  });

  it("while loading, shows no count rather than a wrong one", () => {
    renderBadge();
    expect(screen.getByRole("button", { name: "Background tasks, none running" })).toBeInTheDocument();
    expect(screen.getByTestId("active-jobs-count")).toHaveTextContent("");
  });

  it("opens the panel", async () => {
    setQueryResult("generationJobs:getActiveJobs", []);
    const onOpenPanel = vi.fn();
    renderBadge(onOpenPanel);
    await userEvent.setup().click(screen.getByRole("button", { name: /background tasks/i }));
    expect(onOpenPanel).toHaveBeenCalledOnce();
  });
});
