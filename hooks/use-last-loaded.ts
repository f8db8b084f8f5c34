/**
 * A live query's result that survives new arguments: a query keyed on the
 * clock (the next minute) is `undefined` again until it loads, and the page
 * would blank for that moment (an open table closed, the question on screen gone).
 */
"use client";

import { useState } from "react";

/**
 * `latest` (a `useQuery` result), or, while it is `undefined`, the last result it had for the same `key`
 * (undefined for a `key` never loaded: another view starts from its loading state).
 */
export function useLastLoaded<T>(latest: T | undefined, key = ""): T | undefined {
  const [last, setLast] = useState<{ key: string; value: T }>();
  if (latest !== undefined && (last?.value !== latest || last.key !== key)) setLast({ key, value: latest });
  return latest ?? (last?.key === key ? last.value : undefined);
}
