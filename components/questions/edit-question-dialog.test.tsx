/** EditQuestionDialog and QuestionCard: the quality check on an edit (severe flaws refused inline, mild ones advice),
 * and the "Needs a look" mark with its reasons on a saved question. */
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ConvexError } from "convex/values";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Id } from "@/convex/_generated/dataModel";
import { newCard } from "@/lib/fsrs";
import type { QuestionDoc } from "@/lib/validators";
import { mockMutation, resetConvexMocks } from "@/components/test-support/convex-mocks";
import { EditQuestionDialog } from "./edit-question-dialog";
import { QuestionCard } from "./question-card";

vi.mock("convex/react", async () => (await import("@/components/test-support/convex-mocks")).convexReactMock);
vi.mock("next/link", async () => ({ default: (await import("@/components/test-support/convex-mocks")).LinkStub }));
const toast = vi.hoisted(() => Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }));
vi.mock("sonner", () => ({ toast }));

beforeEach(() => resetConvexMocks());

const NOW = Date.UTC(2030, 0, 15, 10, 0, 0);
const question: QuestionDoc = {
  _id: "q_1" as Id<"questions">,
  _creationTime: NOW,
  userId: "alice",
  question: "Which planet is known as the red planet?",
  type: "multiple-choice",
  options: ["Mars", "Venus", "Jupiter", "Saturn"],
  correctAnswer: "Mars",
  explanation: "Iron oxide dust makes Mars look red.",
  difficulty: "easy",
  topic: "Planets",
  createdAt: NOW,
  card: newCard(NOW),
};

function openDialog() {
  const onOpenChange = vi.fn();
  render(<EditQuestionDialog question={question} open onOpenChange={onOpenChange} />);
  return { onOpenChange, user: userEvent.setup() };
}

describe("EditQuestionDialog: the quality check", () => {
  it("explains a severe flaw inline as it is typed, and does not save until it is fixed", async () => {
    const edit = mockMutation("manageQuestions:editQuestion");
    const { user, onOpenChange } = openDialog();
    const option4 = screen.getByLabelText("Option 4", { exact: true });
    await user.clear(option4);
    await user.type(option4, "All of the above");
    expect(screen.getByText("This question can't be saved yet:")).toBeInTheDocument();
    expect(screen.getByText(/"All of the above"/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(edit).not.toHaveBeenCalled();
    expect(onOpenChange).not.toHaveBeenCalled();

    await user.clear(option4);
    await user.type(option4, "Saturn");
    expect(screen.queryByText("This question can't be saved yet:")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(edit).toHaveBeenCalledTimes(1);
    expect(onOpenChange).toHaveBeenCalledWith(false);
  });

  it("shows a mild flaw as advice, and the save goes through", async () => {
    const edit = mockMutation("manageQuestions:editQuestion");
    const { user } = openDialog();
    const text = screen.getByLabelText("Question");
    await user.clear(text);
    await user.type(text, "Which planet usually looks red?");
    expect(screen.getByText("Worth a look (you can still save):")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(edit).toHaveBeenCalledWith({
      questionId: "q_1",
      question: expect.objectContaining({ question: "Which planet usually looks red?" }) as unknown,
    });
  });

  it("shows the server's refusal inline (a question the learner already has), keeping the edit", async () => {
    const reason = 'You already have a question that asks this: "What is the red planet?"';
    mockMutation("manageQuestions:editQuestion", () =>
      Promise.reject(
        new ConvexError({ code: "QUESTION_FLAWED", message: reason, flaws: [{ code: "DUPLICATE_QUESTION", reason }] }),
      ),
    );
    const { user, onOpenChange } = openDialog();
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(reason);
    expect(onOpenChange).not.toHaveBeenCalled();
    expect(screen.getByLabelText("Question")).toHaveValue(question.question);
  });
});

describe("QuestionCard: the quality check's mark", () => {
  it('marks a question saved with mild flaws "Needs a look", with the reasons', () => {
    const reason = 'The question rests on a vague word ("usually").';
    render(
      <QuestionCard question={{ ...question, needsLook: true, flaws: [{ code: "VAGUE_TERMS", reason }] }} now={NOW} />,
    );
    expect(screen.getByText("Needs a look")).toBeInTheDocument();
    expect(screen.getByText("Why it needs a look:")).toBeInTheDocument();
    expect(screen.getByText(reason)).toBeInTheDocument();
  });

  it('"Keep as it is" clears the mark, where the question can be acted on', async () => {
    const clear = mockMutation("manageQuestions:clearQuestionAdvice");
    const marked = {
      ...question,
      needsLook: true as const,
      flaws: [{ code: "VAGUE_TERMS" as const, reason: "Vague." }],
    };
    const { rerender } = render(<QuestionCard question={marked} now={NOW} />);
    expect(screen.queryByRole("button", { name: "Keep as it is" })).not.toBeInTheDocument();
    rerender(<QuestionCard question={marked} now={NOW} actions={<span />} />);
    await userEvent.setup().click(screen.getByRole("button", { name: "Keep as it is" }));
    expect(clear).toHaveBeenCalledWith({ questionId: "q_1" });
    expect(toast.success).toHaveBeenCalledWith("Kept as it is");
  });
});
