/**
 * The statistics page's figures from a learner's per-day totals (pure): a
 * series of the last days with the empty ones filled in, retention (right ÷
 * answered), the streak of days studied, and the calendar heatmap's weeks.
 */
import { addDays, weekday } from "./days";
import type { ReviewDay } from "./validators";

/** The `count` days up to `today`, oldest first, days without reviews as zeros. */
export function dailySeries(days: readonly ReviewDay[], today: string, count: number): ReviewDay[] {
  const byDay = new Map(days.map((d) => [d.day, d]));
  return Array.from({ length: count }, (_, i) => {
    const day = addDays(today, i - count + 1);
    return byDay.get(day) ?? { day, reviews: 0, correct: 0, newCards: 0 };
  });
}

/** Answers and right answers over `days`, and their ratio (null before any answer). */
export function retention(days: readonly ReviewDay[]): { answered: number; correct: number; rate: number | null } {
  const answered = days.reduce((sum, d) => sum + d.reviews, 0);
  const correct = days.reduce((sum, d) => sum + d.correct, 0);
  return { answered, correct, rate: answered === 0 ? null : correct / answered };
}

/** Days in a row with reviews, ending today (or yesterday, while today has none yet). */
export function streak(days: readonly ReviewDay[], today: string): number {
  const studied = new Set(days.filter((d) => d.reviews > 0).map((d) => d.day));
  let day = studied.has(today) ? today : addDays(today, -1);
  let count = 0;
  while (studied.has(day)) {
    count += 1;
    day = addDays(day, -1);
  }
  return count;
}

export type HeatmapCell = { day: string; reviews: number; level: 0 | 1 | 2 | 3 | 4 };

/**
 * The calendar heatmap: `weeks` columns of Monday…Sunday ending with the week
 * of `today`; days after today are null. A cell's level (0 none, 1–4) is its
 * reviews against the busiest day shown, in quarters.
 */
export function heatmapWeeks(days: readonly ReviewDay[], today: string, weeks: number): (HeatmapCell | null)[][] {
  const byDay = new Map(days.map((d) => [d.day, d.reviews]));
  const firstMonday = addDays(today, -weekday(today) - (weeks - 1) * 7);
  let busiest = 0;
  for (let i = 0; i < weeks * 7; i++) busiest = Math.max(busiest, byDay.get(addDays(firstMonday, i)) ?? 0);
  return Array.from({ length: weeks }, (_, w) =>
    Array.from({ length: 7 }, (_, d) => {
      const day = addDays(firstMonday, w * 7 + d);
      if (day > today) return null;
      const reviews = byDay.get(day) ?? 0;
      const level = reviews === 0 ? 0 : (Math.min(4, Math.ceil((reviews / busiest) * 4)) as 1 | 2 | 3 | 4);
      return { day, reviews, level };
    }),
  );
}
