/** MyQuestions: loading, empty, the server away, the filters and their queries, selection (a page, then the
 * whole view), and a search with no match. */
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { newCard } from "@/lib/fsrs";
import type { QuestionView } from "@/lib/questionFilters";
import type { QuestionDoc } from "@/lib/validators";
import { ServerStatusContext } from "@/hooks/use-server-status";
import {
  loadMore,
  mockMutation,
  paginatedResults,
  resetConvexMocks,
  setQueryResult,
  type PaginatedResult,
} from "@/components/test-support/convex-mocks";
import { MyQuestions } from "./my-questions";

vi.mock("convex/react", async () => (await import("@/components/test-support/convex-mocks")).convexReactMock);
vi.mock("next/link", async () => ({ default: (await import("@/components/test-support/convex-mocks")).LinkStub }));
vi.mock("sonner", () => ({ toast: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), loading: vi.fn() }) }));
const replace = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ replace, push: vi.fn() }) }));

const NOW = Date.UTC(2030, 0, 15, 10, 0, 0);
const question = (n: number, fields: Partial<QuestionDoc> = {}): QuestionDoc =>
  ({
    _id: `q${n}`,
    _creationTime: NOW + n,
    userId: "u",
    question: `Question number ${n}?`,
    type: "multiple-choice",
    options: ["Yes", "No"],
    correctAnswer: "Yes",
    explanation: "",
    difficulty: "easy",
    topic: "Birds",
    createdAt: NOW + n,
    card: newCard(NOW),
    ...fields,
  }) as QuestionDoc;

const LIST = "myQuestions:listMyQuestions";
const page = (count: number, status: PaginatedResult["status"] = "Exhausted"): PaginatedResult => ({
  results: Array.from({ length: count }, (_, i) => question(count - i)),
  status,
});

function renderView(view: QuestionView = {}, { away = false } = {}) {
  return render(
    <ServerStatusContext value={{ away }}>
      <MyQuestions view={view} />
    </ServerStatusContext>,
  );
}

beforeEach(() => {
  resetConvexMocks();
  replace.mockClear();
  setQueryResult("generationJobs:getRecentJobs", []);
  setQueryResult("generationJobs:getActiveJobs", []);
  setQueryResult("myQuestions:listMyTopics", [{ name: "Birds", lastUsedAt: NOW }]);
});

describe("MyQuestions", () => {
  it("loading: skeletons, and says so", () => {
    renderView();
    expect(screen.getByRole("status", { name: "Loading questions" })).toBeInTheDocument();
    expect(screen.getByText("Loading…")).toBeInTheDocument();
  });

  it("the server away while loading: says what it waits for instead of skeletons", () => {
    renderView({}, { away: true });
    expect(screen.getByTestId("server-away-note")).toHaveTextContent(
      "Can't load your questions until the server answers.",
    );
    expect(screen.queryByRole("status", { name: "Loading questions" })).not.toBeInTheDocument();
  });

  it("no questions at all: the first-run state, with adding and importing as other ways in", async () => {
    paginatedResults.set(LIST, page(0));
    renderView();
    expect(screen.getByRole("heading", { name: "No questions yet", level: 1 })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Import" }));
    expect(screen.getByRole("dialog", { name: "Import questions" })).toHaveTextContent(
      "Up to 1,000 questions per file",
    );
  });

  it("the filters go to the query and the URL; a view's orders are only those it offers", async () => {
    const seen: Record<string, unknown>[] = [];
    paginatedResults.set(LIST, (args) => (seen.push(args), page(3)));
    renderView({ show: "due", topic: "Birds" });
    expect(seen.at(-1)).toMatchObject({ show: "due", topic: "Birds" });
    expect(typeof seen.at(-1)!.now).toBe("number");
    expect(screen.getByText("3 questions in this view")).toBeInTheDocument();
    // "Due now" is ordered one way only.
    expect(screen.getByRole("combobox", { name: "Order" })).toBeDisabled();
    await userEvent.click(screen.getByRole("combobox", { name: "Show" }));
    await userEvent.click(screen.getByRole("option", { name: "Flagged as wrong" }));
    expect(replace).toHaveBeenCalledWith("/my-questions?show=flagged&topic=Birds", { scroll: false });
  });

  it("an empty filtered view says what it shows, with a way back", () => {
    paginatedResults.set(LIST, page(0));
    renderView({ show: "flagged" });
    expect(screen.getByText("No question is flagged as wrong.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Show all questions" })).toHaveAttribute("href", "/my-questions");
  });

  it("selection: one, all shown, then every question of the view (across pages) for the bulk actions", async () => {
    paginatedResults.set(LIST, page(20, "CanLoadMore"));
    const suspend = mockMutation("manageQuestions:setQuestionsSuspended", () =>
      Promise.resolve({ changed: 45, continuing: false }),
    );
    renderView({ topic: "Birds" });
    expect(screen.getByText("Newest first · 20 shown")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("checkbox", { name: "Select “Question number 3?”" }));
    const bar = screen.getByRole("group", { name: "Selected questions" });
    expect(bar).toHaveTextContent("1 selected");

    await userEvent.click(within(bar).getByRole("checkbox", { name: "Select all shown" }));
    expect(bar).toHaveTextContent("20 selected");
    await userEvent.click(within(bar).getByRole("button", { name: "Select all in this view" }));
    expect(bar).toHaveTextContent("All questions in this view selected");
    expect(screen.getByRole("checkbox", { name: "Select “Question number 1?”" })).toBeChecked();
    await userEvent.click(within(bar).getByRole("button", { name: "Suspend" }));
    expect(suspend).toHaveBeenCalledWith({ scope: { kind: "filter", filter: { topic: "Birds" } }, suspended: true });
    // Done: the selection is cleared.
    expect(screen.getByRole("group", { name: "All questions in this view" })).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(loadMore).toHaveBeenCalledWith(20);
  });

  it("search: the matches, best first, the order shown as best match; no match says so and clears", async () => {
    const seen: Record<string, unknown>[] = [];
    setQueryResult("myQuestions:searchMyQuestions", (args: Record<string, unknown>) => {
      seen.push(args);
      return { questions: args.search === "owls" ? [question(7)] : [], more: false };
    });
    const { unmount } = renderView({ search: "owls" });
    expect(seen.at(-1)).toEqual({ search: "owls" });
    expect(screen.getByText("1 match")).toBeInTheDocument();
    expect(screen.getByRole("combobox", { name: "Order" })).toHaveTextContent("Best match");
    unmount();

    renderView({ search: "zebras", show: "suspended" });
    expect(seen.at(-1)).toEqual({ search: "zebras", show: "suspended" });
    expect(screen.getByText("No question here matches “zebras”.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Clear the search" }));
    expect(replace).toHaveBeenCalledWith("/my-questions?show=suspended", { scroll: false });
  });
});
