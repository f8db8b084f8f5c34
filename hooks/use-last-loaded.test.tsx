/** useLastLoaded: a query's next arguments loading never blank what it showed; another view starts blank. */
import { renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useLastLoaded } from "./use-last-loaded";

describe("useLastLoaded", () => {
  it("keeps the last result while new arguments load, and takes each new one", () => {
    const { result, rerender } = renderHook(({ latest }: { latest: string | undefined }) => useLastLoaded(latest), {
      initialProps: { latest: undefined as string | undefined },
    });
    expect(result.current).toBeUndefined();
    rerender({ latest: "12:00" });
    expect(result.current).toBe("12:00");
    rerender({ latest: undefined });
    expect(result.current).toBe("12:00");
    rerender({ latest: "12:01" });
    expect(result.current).toBe("12:01");
  });

  it("gives nothing of another key's result", () => {
    const { result, rerender } = renderHook<string | undefined, { latest: string | undefined; key: string }>(
      ({ latest, key }) => useLastLoaded(latest, key),
      { initialProps: { latest: "all", key: "all" } },
    );
    rerender({ latest: undefined, key: "topic" });
    expect(result.current).toBeUndefined();
    rerender({ latest: "topic", key: "topic" });
    expect(result.current).toBe("topic");
  });
});
