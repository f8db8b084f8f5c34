/** Short, readable times and durations for the UI (date-fns underneath). */
import { format, formatDistanceStrict, isSameDay, isSameYear } from "date-fns";

/** "3 min ago", "in 2 days", "just now". */
export function relativeTime(at: number, now: number): string {
  if (Math.abs(now - at) < 45_000) return "just now";
  const distance = formatDistanceStrict(at, now, { roundingMethod: "floor" });
  return at < now ? `${shorten(distance)} ago` : `in ${shorten(distance)}`;
}

/** How long until `at`, for "next due" labels: "1 min", "10 min", "4 days". */
export function timeUntil(at: number, from: number): string {
  if (at - from < 60_000) return "under a minute";
  return shorten(formatDistanceStrict(at, from, { roundingMethod: "round" }));
}

/** A duration: "0.8 s", "42 s", "3 min 5 s", "1 h 2 min". */
export function shortDuration(ms: number): string {
  if (ms < 1000) return `${(Math.max(ms, 0) / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** A clock time, with the date when it is not today: "14:05", "Mar 3, 14:05". */
export function clockTime(at: number, now: number): string {
  if (isSameDay(at, now)) return format(at, "p");
  if (isSameYear(at, now)) return format(at, "MMM d, p");
  return format(at, "PP, p");
}

/** A full date and time for `title`/`dateTime` attributes. */
export function fullDateTime(at: number): string {
  return format(at, "PPpp");
}

function shorten(distance: string): string {
  return distance.replace(/ seconds?$/, " s").replace(/ minutes?$/, " min");
}

/** A token count, compact: "850", "12.3k", "1.2M". */
export function tokenCount(tokens: number): string {
  if (tokens < 1000) return String(tokens);
  if (tokens < 1_000_000) return `${(tokens / 1000).toFixed(tokens < 10_000 ? 1 : 0).replace(/\.0$/, "")}k`;
  return `${(tokens / 1_000_000).toFixed(1).replace(/\.0$/, "")}M`;
}
