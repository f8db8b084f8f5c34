/** My Questions' views: the orders each offers, what each shows, and the view in the URL. */
import { describe, expect, it } from "vitest";
import { newCard } from "./fsrs";
import {
  compareQuestions,
  effectiveSort,
  filterProblem,
  matchesShow,
  sortsFor,
  viewFromParams,
  viewHref,
} from "./questionFilters";
import type { QuestionDoc } from "./validators";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const q = (id: string, fields: Partial<QuestionDoc> = {}) =>
  ({
    _id: id,
    _creationTime: NOW,
    question: id,
    topic: "T",
    createdAt: NOW,
    card: newCard(NOW),
    ...fields,
  }) as QuestionDoc;

describe("views", () => {
  it("each view offers its orders; Topic A–Z only across topics; an order it doesn't offer falls back to its default", () => {
    expect(sortsFor({})).toEqual(["newest", "oldest", "due", "topic"]);
    expect(sortsFor({ topic: "T" })).toEqual(["newest", "oldest", "due"]);
    expect(sortsFor({ show: "due" })).toEqual(["due"]);
    expect(effectiveSort({ show: "flagged" }, "due")).toBe("newest");
    expect(effectiveSort({ jobId: "j" }, "topic")).toBe("newest");
    expect(effectiveSort({}, "topic")).toBe("topic");
  });

  it("a source's questions: all of them, newest or oldest first, never with another view or scope", () => {
    expect(sortsFor({ sourceId: "s" })).toEqual(["newest", "oldest"]);
    expect(effectiveSort({ sourceId: "s" }, "due")).toBe("newest");
    expect(viewFromParams({ source: "s", show: "due", sort: "oldest" })).toEqual({ sourceId: "s", sort: "oldest" });
    expect(viewFromParams({ topic: "T", source: "s" })).toEqual({ topic: "T" });
    expect(viewHref({ sourceId: "s" })).toBe("/my-questions?source=s");
    expect(filterProblem({ sourceId: "s" })).toBeNull();
    expect(filterProblem({ sourceId: "s", show: "flagged" })).toMatch(/listed all together/);
    expect(filterProblem({ sourceId: "s", jobId: "j" })).toMatch(/not several/);
  });

  it("what each view shows", () => {
    const due = q("due", { card: { ...newCard(NOW), due: NOW - 1 } });
    const later = q("later", { card: { ...newCard(NOW), due: NOW + 1 } });
    const suspended = q("suspended", { suspended: true, card: { ...newCard(NOW), due: NOW - 1 } });
    const flagged = q("flagged", { suspended: true, flag: { flaggedAt: NOW } });
    expect([due, later, suspended, flagged].filter((x) => matchesShow(x, "due", NOW)).map((x) => x._id)).toEqual([
      "due",
    ]);
    expect([due, suspended, flagged].filter((x) => matchesShow(x, "suspended", NOW)).length).toBe(2);
    expect([due, suspended, flagged].filter((x) => matchesShow(x, "flagged", NOW)).map((x) => x._id)).toEqual([
      "flagged",
    ]);
  });

  it("sorts in memory as the indexes do (flagged ones by when they were flagged)", () => {
    const a = q("a", { createdAt: 1, topic: "Zebra", flag: { flaggedAt: 5 }, card: { ...newCard(NOW), due: 30 } });
    const b = q("b", { createdAt: 2, topic: "Apple", flag: { flaggedAt: 1 }, card: { ...newCard(NOW), due: 10 } });
    const ids = (list: QuestionDoc[]) => list.map((x) => x._id);
    expect(ids([a, b].sort(compareQuestions("all", "newest")))).toEqual(["b", "a"]);
    expect(ids([a, b].sort(compareQuestions("flagged", "newest")))).toEqual(["a", "b"]);
    expect(ids([a, b].sort(compareQuestions("all", "due")))).toEqual(["b", "a"]);
    expect(ids([a, b].sort(compareQuestions("all", "topic")))).toEqual(["b", "a"]);
  });

  it("the view in the URL, both ways; unknown values are dropped", () => {
    const view = { search: "french rev", show: "flagged" as const, sort: "oldest" as const, topic: "History & art" };
    const href = viewHref(view);
    expect(href).toBe("/my-questions?q=french+rev&show=flagged&sort=oldest&topic=History+%26+art");
    expect(viewFromParams(Object.fromEntries(new URL(href, "http://x").searchParams))).toEqual(view);
    expect(viewFromParams({ show: "everything", sort: "random", job: "j1" })).toEqual({ jobId: "j1" });
    expect(viewHref({ show: "all" })).toBe("/my-questions");
  });
});
