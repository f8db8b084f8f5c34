/** ReviewSession's states: loading, nothing yet, a due question, rating (focus moves on), undo, offline, the daily limit, the summary. */
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Id } from "@/convex/_generated/dataModel";
import { ServerStatusContext } from "@/hooks/use-server-status";
import { newCard } from "@/lib/fsrs";
import type { QuestionDoc } from "@/lib/validators";
import { mockMutation, resetConvexMocks, setQueryResult } from "@/components/test-support/convex-mocks";
import { ReviewSession } from "./review-session";

vi.mock("convex/react", async () => (await import("@/components/test-support/convex-mocks")).convexReactMock);
vi.mock("next/link", async () => ({ default: (await import("@/components/test-support/convex-mocks")).LinkStub }));
const toast = vi.hoisted(() => Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }));
vi.mock("sonner", () => ({ toast }));

const NOW = Date.now();

function question(n: number): QuestionDoc {
  return {
    _id: `q${n}` as Id<"questions">,
    _creationTime: NOW,
    userId: "user",
    question: `Question number ${n}?`,
    type: "true-false",
    options: ["True", "False"],
    correctAnswer: "True",
    explanation: `Because ${n}.`,
    difficulty: "easy",
    topic: "Numbers",
    createdAt: NOW,
    card: newCard(NOW),
  };
}

type Queue = {
  question: QuestionDoc | null;
  dueCount: number;
  dueCountIsCapped: boolean;
  nextDueAt: number | null;
  hasQuestions: boolean;
  newToday: number;
  newCardsPerDay: number;
  newHeldBack: boolean;
};
const queueOf = (fields: Partial<Queue>): Queue => ({
  question: null,
  dueCount: 0,
  dueCountIsCapped: false,
  nextDueAt: null,
  hasQuestions: true,
  newToday: 0,
  newCardsPerDay: 20,
  newHeldBack: false,
  ...fields,
});

let queue: Queue | undefined;
beforeEach(() => {
  resetConvexMocks();
  queue = undefined;
  setQueryResult("review:getReviewQueue", () => queue);
});
afterEach(() => vi.clearAllMocks());

function renderSession({ away = false }: { away?: boolean } = {}) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <ServerStatusContext value={{ away }}>{children}</ServerStatusContext>
  );
  return render(<ReviewSession />, { wrapper });
}

describe("ReviewSession", () => {
  it("loading: a skeleton that says what it waits for", () => {
    renderSession();
    expect(screen.getByRole("status", { name: "Loading the next question" })).toBeInTheDocument();
  });

  it("no questions at all: the empty state", () => {
    queue = queueOf({ hasQuestions: false });
    renderSession();
    expect(screen.getByRole("heading", { level: 1 })).not.toHaveTextContent("Review");
  });

  it("rates with the answer's correctness and the browser's clock; the next question takes focus", async () => {
    queue = queueOf({ question: question(1), dueCount: 2 });
    const recordReview = mockMutation("review:recordReview", () => {
      queue = queueOf({ question: question(2), dueCount: 1 });
      return Promise.resolve({ nextDueAt: NOW + 600_000, reviewId: "r1" });
    });
    const user = userEvent.setup();
    renderSession();
    expect(screen.getByText("2 due")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: /^False/ }));
    await user.click(screen.getByRole("button", { name: /^Again/ }));
    expect(recordReview).toHaveBeenCalledWith({
      questionId: "q1",
      rating: "again",
      correct: false,
      utcOffsetMinutes: -new Date().getTimezoneOffset() || 0,
    });
    const next = await screen.findByRole("heading", { name: "Question number 2?" });
    await waitFor(() => expect(next).toHaveFocus());
    expect(screen.getByText("1 reviewed")).toBeInTheDocument();
  });

  it("Undo rating puts the question back and takes the answer out of the count", async () => {
    queue = queueOf({ question: question(1), dueCount: 1 });
    mockMutation("review:recordReview", () => {
      queue = queueOf({ question: null, nextDueAt: NOW + 600_000 });
      return Promise.resolve({ nextDueAt: NOW + 600_000, reviewId: "r1" });
    });
    const undo = mockMutation("review:undoLastReview", () => Promise.resolve({ questionId: "q1" }));
    const user = userEvent.setup();
    renderSession();
    await user.click(screen.getByRole("button", { name: /^True/ }));
    await user.click(screen.getByRole("button", { name: /^Good/ }));
    const summary = await screen.findByRole("heading", { name: "Session done" });
    expect(summary).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Undo rating" }));
    expect(undo).toHaveBeenCalledWith({ reviewId: "r1" });
    expect(await screen.findByRole("heading", { name: "Question number 1?" })).toBeInTheDocument();
    expect(screen.queryByText(/reviewed/)).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Undo rating" })).not.toBeInTheDocument();
  });

  it("a rating while the server is away: the card stays, with a note that it will be saved", async () => {
    queue = queueOf({ question: question(1), dueCount: 1 });
    mockMutation("review:recordReview", () => new Promise(() => {})); // queued by the client until the connection is back
    const user = userEvent.setup();
    renderSession({ away: true });
    await user.click(screen.getByRole("button", { name: /^True/ }));
    await user.click(screen.getByRole("button", { name: /^Good/ }));
    expect(screen.getByRole("status")).toHaveTextContent(
      "You're offline. Your rating (good) will be saved when the connection is back.",
    );
    expect(screen.getByRole("heading", { name: "Question number 1?" })).toBeInTheDocument();
    expect(screen.queryByRole("status", { name: "Loading the next question" })).not.toBeInTheDocument();
  });

  it("today's new questions done: says so and links to the setting", () => {
    queue = queueOf({ newHeldBack: true, newToday: 20, nextDueAt: NOW + 3_600_000 });
    renderSession();
    expect(screen.getByRole("heading", { name: "All caught up" })).toBeInTheDocument();
    expect(screen.getByText(/today's 20 new questions; more new ones come tomorrow/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Change new cards per day" })).toHaveAttribute(
      "href",
      "/statistics#study-settings",
    );
  });

  it("a failed rating says why, and the question can be rated again", async () => {
    queue = queueOf({ question: question(1), dueCount: 1 });
    mockMutation("review:recordReview", () => Promise.reject(new Error("Connection lost")));
    const user = userEvent.setup();
    renderSession();
    await user.click(screen.getByRole("button", { name: /^True/ }));
    await user.click(screen.getByRole("button", { name: /^Good/ }));
    await waitFor(() => expect(toast.error).toHaveBeenCalledWith("Couldn't save your rating", expect.anything()));
    await act(async () => {});
    expect(
      within(screen.getByRole("group", { name: "How well did you know it?" })).getByRole("button", { name: /^Good/ }),
    ).toBeEnabled();
  });
});
