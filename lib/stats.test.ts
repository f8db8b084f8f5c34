import { describe, expect, test } from "vitest";
import { dailySeries, heatmapWeeks, retention, streak } from "./stats";

const day = (d: string, reviews: number, correct = reviews, newCards = 0) => ({ day: d, reviews, correct, newCards });

describe("statistics figures", () => {
  test("a daily series fills the days without reviews", () => {
    expect(dailySeries([day("2026-11-22", 5)], "2026-11-23", 3)).toEqual([
      day("2026-11-21", 0),
      day("2026-11-22", 5),
      day("2026-11-23", 0),
    ]);
  });

  test("retention is right over answered, none before any answer", () => {
    expect(retention([day("2026-11-22", 8, 6), day("2026-11-23", 2, 1)])).toEqual({
      answered: 10,
      correct: 7,
      rate: 0.7,
    });
    expect(retention([])).toEqual({ answered: 0, correct: 0, rate: null });
  });

  test("the streak counts days in a row up to today, or yesterday while today is still open", () => {
    const days = [day("2026-11-20", 1), day("2026-11-21", 3), day("2026-11-22", 2)];
    expect(streak(days, "2026-11-23")).toBe(3);
    expect(streak([...days, day("2026-11-23", 1)], "2026-11-23")).toBe(4);
    expect(streak(days, "2026-11-24")).toBe(0);
  });

  test("the heatmap: whole weeks from Monday, nothing after today, levels in quarters of the busiest day", () => {
    const weeks = heatmapWeeks([day("2026-11-23", 8), day("2026-11-17", 2), day("2026-11-16", 5)], "2026-11-25", 2);
    expect(weeks).toHaveLength(2);
    expect(weeks[0]![0]).toEqual({ day: "2026-11-16", reviews: 5, level: 3 });
    expect(weeks[0]![1]).toEqual({ day: "2026-11-17", reviews: 2, level: 1 });
    expect(weeks[0]![2]).toEqual({ day: "2026-11-18", reviews: 0, level: 0 });
    expect(weeks[1]![0]).toEqual({ day: "2026-11-23", reviews: 8, level: 4 });
    expect(weeks[1]![2]).toEqual({ day: "2026-11-25", reviews: 0, level: 0 });
    expect(weeks[1]![3]).toBeNull();
  });
});
