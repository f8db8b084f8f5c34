/** "Source" on a question written from the learner's material: the quote highlighted in its context; general knowledge labelled, never sourced. */
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { newCard } from "@/lib/fsrs";
import type { QuestionDoc, QuestionSource } from "@/lib/validators";
import { QuestionCard } from "./question-card";

vi.mock("next/link", async () => ({ default: (await import("../test-support/convex-mocks")).LinkStub }));

const FROM = { sourceId: "src_1" as QuestionSource["sourceId"], name: "timekeeping.pdf", sectionIndex: 2 };

function question(source: QuestionSource): QuestionDoc {
  return {
    _id: "q_1" as QuestionDoc["_id"],
    _creationTime: 0,
    userId: "alice",
    question: "Who completed an astronomical clock tower at Kaifeng in 1088?",
    type: "multiple-choice",
    options: ["Su Song", "Ctesibius", "Huygens", "Harrison"],
    correctAnswer: "Su Song",
    explanation: "The material says so.",
    difficulty: "medium",
    topic: "Timekeeping",
    createdAt: 0,
    card: newCard(0),
    source,
  };
}

describe("a question's source", () => {
  it("Source opens the quote, highlighted in its context, with the material and the section's place", async () => {
    const user = userEvent.setup();
    render(
      <QuestionCard
        now={1}
        question={question({
          ...FROM,
          heading: "Water and Fire",
          pageStart: 2,
          pageEnd: 3,
          quote: {
            before: "The most elaborate water clock of the ancient world was built in China. ",
            text: "In 1088, the scholar and official Su Song completed an astronomical clock tower at Kaifeng",
            after: ", more than ten metres high.",
            cutBefore: true,
            cutAfter: false,
          },
        })}
      />,
    );
    expect(screen.queryByText("General knowledge")).not.toBeInTheDocument();
    await user.click(screen.getByText("Source"));
    expect(screen.getByText(/^From “timekeeping\.pdf” · “Water and Fire”, pages 2–3 ·/)).toBeVisible();
    expect(screen.getByRole("link", { name: "All its questions" })).toHaveAttribute(
      "href",
      "/my-questions?source=src_1",
    );
    const quote = screen.getByText(/^In 1088, the scholar/);
    expect(quote.tagName).toBe("MARK");
    expect(quote.closest("blockquote")).toHaveTextContent(
      "… The most elaborate water clock of the ancient world was built in China. In 1088, the scholar and official Su Song completed an astronomical clock tower at Kaifeng, more than ten metres high.",
    );
  });

  it("a question resting on general knowledge is labelled so and has no Source", () => {
    render(<QuestionCard now={1} question={question(FROM)} />);
    expect(screen.getByText("General knowledge")).toHaveAttribute(
      "title",
      "Not found in “timekeeping.pdf”: this question rests on general knowledge",
    );
    expect(screen.queryByText("Source")).not.toBeInTheDocument();
  });
});
