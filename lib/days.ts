/**
 * A learner's days: reviews are counted, limited (new cards per day) and
 * charted by the day on the learner's own clock. The browser sends its UTC
 * offset at the time of each call (`utcOffsetMinutes`, east positive, so
 * Berlin in summer is 120); a day is "YYYY-MM-DD" of that local clock. A
 * caller that sends none gets UTC days.
 */
import { DAY_MS } from "./constants/jobs";

/** Real offsets run from UTC−12 to UTC+14. */
const MAX_OFFSET_MINUTES = 14 * 60;

/** Whether `minutes` is a UTC offset a clock can have (a whole number of minutes, within ±14 h). */
export function isUtcOffset(minutes: number): boolean {
  return Number.isInteger(minutes) && Math.abs(minutes) <= MAX_OFFSET_MINUTES;
}

/** The browser's UTC offset now, east positive (`Date#getTimezoneOffset` is west positive). */
export function browserUtcOffset(at: Date = new Date()): number {
  return -at.getTimezoneOffset() || 0;
}

/** The local day of `at` ("YYYY-MM-DD") at `utcOffsetMinutes`. */
export function localDay(at: number, utcOffsetMinutes = 0): string {
  return new Date(at + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** When local `day` starts, in ms since the epoch. */
export function dayStart(day: string, utcOffsetMinutes = 0): number {
  return Date.parse(`${day}T00:00:00Z`) - utcOffsetMinutes * 60_000;
}

/** The local midnight after `at`: when today's new-card allowance renews. */
export function nextLocalMidnight(at: number, utcOffsetMinutes = 0): number {
  return dayStart(localDay(at, utcOffsetMinutes), utcOffsetMinutes) + DAY_MS;
}

/** The day `n` days after `day` (before, for negative `n`). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Monday 0 … Sunday 6, of a "YYYY-MM-DD" day. */
export function weekday(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}
