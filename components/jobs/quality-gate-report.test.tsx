/** QualityGateReport: the job page's account of what the quality check rewrote, skipped and marked. */
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { makeJob } from "@/components/test-support/convex-mocks";
import { QualityGateReport } from "./quality-gate-report";

const allOrNone = { code: "ALL_OR_NONE_OF_THE_ABOVE" as const, reason: 'It offers "All of the above".' };
const duplicate = { code: "DUPLICATE_QUESTION" as const, reason: 'You already have a question that asks this: "Q0"' };

describe("QualityGateReport", () => {
  it("lists each rewritten or skipped question with its reasons, and what replaced it", () => {
    render(
      <QualityGateReport
        job={makeJob({
          status: "completed",
          qualityGate: {
            rewritten: 1,
            dropped: 1,
            marked: 2,
            notes: [
              {
                question: "Which is right?",
                flaws: [allOrNone],
                outcome: "rewritten",
                replacement: "Which one is right?",
              },
              { question: "What is Q0 again?", flaws: [duplicate], outcome: "dropped" },
            ],
          },
        })}
      />,
    );
    const section = screen.getByRole("region", { name: "Quality check" });
    expect(section).toHaveTextContent(
      "1 question rewritten and 1 skipped by the quality check (flaws that make a question poor to learn, or a question you already have). 2 saved questions need a look.",
    );
    const [rewritten, skipped] = within(section).getByRole("list", {
      name: "Rewritten and skipped questions",
    }).children;
    expect(rewritten).toHaveTextContent("Rewritten");
    expect(rewritten).toHaveTextContent(allOrNone.reason);
    expect(rewritten).toHaveTextContent("Rewritten as: Which one is right?");
    expect(skipped).toHaveTextContent("Skipped");
    expect(skipped).toHaveTextContent(duplicate.reason);
    expect(skipped).toHaveTextContent("Not saved, and not replaced.");
  });

  it("says when only the latest are listed, and shows nothing for a job the check left alone", () => {
    const notes = [{ question: "Q", flaws: [allOrNone], outcome: "dropped" as const }];
    const { rerender } = render(
      <QualityGateReport job={makeJob({ qualityGate: { rewritten: 0, dropped: 25, marked: 0, notes } })} />,
    );
    expect(screen.getByRole("region", { name: "Quality check" })).toHaveTextContent(
      "25 questions skipped by the quality check (flaws that make a question poor to learn, or a question you already have). The latest 1 are listed.",
    );
    rerender(<QualityGateReport job={makeJob()} />);
    expect(screen.queryByRole("region", { name: "Quality check" })).not.toBeInTheDocument();
  });
});
