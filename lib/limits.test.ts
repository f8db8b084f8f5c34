import { describe, expect, test } from "vitest";
import { parseLimit } from "./limits";

describe("parseLimit", () => {
  test("a positive whole number is taken as it is; unset or blank is the default, silently", () => {
    expect(parseLimit("N", "12", 8)).toEqual({ value: 12, problem: null });
    expect(parseLimit("N", " 300 ", 8)).toEqual({ value: 300, problem: null });
    expect(parseLimit("N", undefined, 8)).toEqual({ value: 8, problem: null });
    expect(parseLimit("N", "  ", 8)).toEqual({ value: 8, problem: null });
  });

  test.each(["0", "-3", "2.5", "1e3", "ten", "Infinity", "NaN", "99999999999999999999", "0x10", "unlimited"])(
    "%s is the default with a clear reason, never unlimited",
    (raw) => {
      const { value, problem } = parseLimit("MAX_PARALLEL_GENERATIONS", raw, 8);
      expect(value).toBe(8);
      expect(problem).toContain(
        `MAX_PARALLEL_GENERATIONS="${raw}" is not a positive whole number; using the default, 8.`,
      );
    },
  );
});
