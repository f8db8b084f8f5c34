/**
 * Reading a limit from configuration: a positive whole number, or the
 * documented default with a clear reason. Never "unlimited". Pure.
 */

/** `raw` as a positive whole number; otherwise `fallback`, with what was wrong (null when nothing was). */
export function parseLimit(
  name: string,
  raw: string | undefined,
  fallback: number,
): { value: number; problem: string | null } {
  if (raw === undefined || raw.trim() === "") return { value: fallback, problem: null };
  const text = raw.trim();
  const value = Number(text);
  if (/^\d+$/.test(text) && Number.isSafeInteger(value) && value > 0) return { value, problem: null };
  return {
    value: fallback,
    problem: `${name}=${JSON.stringify(raw.slice(0, 40))} is not a positive whole number; using the default, ${fallback}.`,
  };
}
