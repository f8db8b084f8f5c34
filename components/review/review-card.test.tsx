/** ReviewCard: answer, see right/wrong with the explanation, then rate with each rating's next due time. */
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Id } from "@/convex/_generated/dataModel";
import type { QuestionDoc } from "@/lib/validators";
import { newCard, previewReview } from "@/lib/fsrs";
import { timeUntil } from "@/components/format";
import { ReviewCard } from "./review-card";

const NOW = Date.UTC(2030, 0, 15, 10, 0, 0);

const question: QuestionDoc = {
  _id: "q1" as Id<"questions">,
  _creationTime: NOW,
  userId: "user",
  question: "Which letter is 'Tango' in the NATO alphabet?",
  type: "multiple-choice",
  options: ["S", "T", "U", "V"],
  correctAnswer: "T",
  explanation: "Tango stands for T.",
  difficulty: "easy",
  topic: "NATO alphabet",
  createdAt: NOW,
  card: newCard(NOW),
};

function renderCard(onRate = vi.fn(() => Promise.resolve())) {
  render(<ReviewCard question={question} onRate={onRate} order={(options) => [...options]} />);
  return onRate;
}

describe("ReviewCard", () => {
  it("shows the question and its options, no answer yet", () => {
    renderCard();
    expect(screen.getByRole("heading", { name: question.question })).toBeInTheDocument();
    expect(within(screen.getByRole("list", { name: "Answers" })).getAllByRole("button")).toHaveLength(4);
    expect(screen.queryByText("Tango stands for T.")).not.toBeInTheDocument();
    expect(screen.queryByRole("group", { name: "How well did you know it?" })).not.toBeInTheDocument();
  });

  it("a question from the learner's material shows its Source once answered, not before", async () => {
    const user = userEvent.setup();
    const sourced: QuestionDoc = {
      ...question,
      source: {
        sourceId: "src_1" as Id<"sources">,
        name: "alphabets.md",
        sectionIndex: 0,
        heading: "The NATO alphabet",
        quote: { before: "", text: "T is Tango, U is Uniform", after: ".", cutBefore: false, cutAfter: true },
      },
    };
    render(<ReviewCard question={sourced} onRate={vi.fn(() => Promise.resolve())} order={(o) => [...o]} />);
    expect(screen.queryByText("Source")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "S" }));
    await user.click(screen.getByText("Source"));
    expect(screen.getByText("T is Tango, U is Uniform").tagName).toBe("MARK");
    expect(screen.getByText(/^From “alphabets\.md” · “The NATO alphabet” ·/)).toBeVisible();
  });

  it("a right answer: says so, explains, and suggests Good", async () => {
    const user = userEvent.setup();
    renderCard();
    await user.click(screen.getByRole("button", { name: "T" }));
    expect(screen.getByText("Correct.")).toBeInTheDocument();
    expect(screen.getByText("Tango stands for T.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "T (correct answer, your answer)" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /^Good:/ })).toHaveClass("bg-primary");
  });

  it("a wrong answer: marks it, names the right one, and suggests Again", async () => {
    const user = userEvent.setup();
    renderCard();
    await user.click(screen.getByRole("button", { name: "S" }));
    expect(screen.getByText("Not quite.")).toBeInTheDocument();
    expect(screen.getByText("The answer is “T”.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /^S \(your answer, incorrect\)/ })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /^Again:/ })).toHaveClass("bg-primary");
  });

  it("each rating shows when the question comes back, from the same FSRS schedule the server applies", async () => {
    vi.useFakeTimers({ now: NOW, toFake: ["Date"] });
    try {
      const user = userEvent.setup();
      renderCard();
      await user.click(screen.getByRole("button", { name: "T" }));
      const preview = previewReview(question.card, NOW);
      expect(screen.getByRole("button", { name: /^Again:/ })).toHaveTextContent(timeUntil(preview.again, NOW));
      expect(screen.getByRole("button", { name: /^Again:/ })).toHaveTextContent("1 min");
      for (const [label, key] of [
        ["Hard", "hard"],
        ["Good", "good"],
        ["Easy", "easy"],
      ] as const) {
        expect(screen.getByRole("button", { name: new RegExp(`^${label}:`) })).toHaveAccessibleName(
          expect.stringContaining(`Comes back in ${timeUntil(preview[key], NOW)}`) as string,
        );
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it("rating calls onRate once, even if clicked again while saving", async () => {
    let finish!: () => void;
    const onRate = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const user = userEvent.setup();
    renderCard(onRate);
    await user.click(screen.getByRole("button", { name: "T" }));
    await user.click(screen.getByRole("button", { name: /^Good:/ }));
    await user.click(screen.getByRole("button", { name: /^Easy:/ }));
    expect(onRate).toHaveBeenCalledTimes(1);
    expect(onRate).toHaveBeenCalledWith("good");
    finish();
  });

  it("keys: a number answers, then a number rates", async () => {
    const user = userEvent.setup();
    const onRate = renderCard();
    await user.keyboard("2");
    expect(screen.getByText("Correct.")).toBeInTheDocument();
    await user.keyboard("4");
    expect(onRate).toHaveBeenCalledWith("easy");
  });

  it("shows the options in the order given (a fresh shuffle by default); the digits follow the shown order", async () => {
    const user = userEvent.setup();
    const onAnswer = vi.fn();
    render(
      <ReviewCard
        question={question}
        onRate={vi.fn(() => Promise.resolve())}
        onAnswer={onAnswer}
        order={(options) => [...options].reverse()}
      />,
    );
    const shown = within(screen.getByRole("list", { name: "Answers" }))
      .getAllByRole("button")
      .map((b) => b.textContent);
    expect(shown).toEqual(["1V", "2U", "3T", "4S"]);
    await user.keyboard("3");
    expect(screen.getByText("Correct.")).toBeInTheDocument();
    expect(onAnswer).toHaveBeenCalledWith(true);
  });

  it("the rating buttons' names hold what they show: label, time and shortcut digit", async () => {
    const user = userEvent.setup();
    renderCard();
    await user.click(screen.getByRole("button", { name: "T" }));
    for (const [label, digit] of [
      ["Again", 1],
      ["Easy", 4],
    ] as const) {
      const button = screen.getByRole("button", { name: new RegExp(`^${label}:`) });
      expect(button).not.toHaveAttribute("aria-label");
      expect(button).toHaveAccessibleName(expect.stringMatching(new RegExp(`Key ${digit}$`)) as string);
    }
  });

  it('"This question is wrong" sends the reason', async () => {
    const user = userEvent.setup();
    const onFlag = vi.fn(() => Promise.resolve(true));
    render(<ReviewCard question={question} onRate={vi.fn(() => Promise.resolve())} onFlag={onFlag} />);
    await user.click(screen.getByRole("button", { name: "This question is wrong" }));
    await user.type(screen.getByLabelText("What is wrong? (optional)"), "Two answers are right");
    await user.click(screen.getByRole("button", { name: "Flag and suspend" }));
    expect(onFlag).toHaveBeenCalledWith("Two answers are right");
  });

  it("renders question text as text", () => {
    render(<ReviewCard question={{ ...question, question: "<b>bold?</b>" }} onRate={vi.fn(() => Promise.resolve())} />);
    expect(screen.getByRole("heading")).toHaveTextContent("<b>bold?</b>");
  });
});
