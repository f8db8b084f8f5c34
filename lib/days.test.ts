import { describe, expect, test } from "vitest";
import { addDays, browserUtcOffset, dayStart, isUtcOffset, localDay, nextLocalMidnight, weekday } from "./days";

describe("a learner's days", () => {
  test("the local day and its start follow the UTC offset, east positive", () => {
    const at = Date.UTC(2026, 10, 23, 23, 30);
    expect(localDay(at)).toBe("2026-11-23");
    expect(localDay(at, 60)).toBe("2026-11-24"); // Berlin
    expect(localDay(at, -300)).toBe("2026-11-23"); // New York
    expect(dayStart("2026-11-24", 60)).toBe(Date.UTC(2026, 10, 23, 23, 0));
    expect(nextLocalMidnight(at, -300)).toBe(Date.UTC(2026, 10, 24, 5, 0));
    expect(nextLocalMidnight(at, 330)).toBe(Date.UTC(2026, 10, 24, 18, 30)); // India, half an hour
  });

  test("offsets a clock can have; the browser's, east positive", () => {
    expect([0, 60, -300, 330, 840, -720].every(isUtcOffset)).toBe(true);
    expect([841, -841, 1.5, Number.NaN].some(isUtcOffset)).toBe(false);
    const date = new Date();
    expect(browserUtcOffset(date)).toBe(-date.getTimezoneOffset() || 0);
  });

  test("days and weekdays", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(weekday("2026-11-23")).toBe(0); // a Monday
    expect(weekday("2026-11-29")).toBe(6);
  });
});
