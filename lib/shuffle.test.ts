/** shuffled: a permutation of its input, which it leaves alone; every order is reachable. */
import { describe, expect, it } from "vitest";
import { shuffled } from "./shuffle";

describe("shuffled", () => {
  it("returns a permutation and leaves the input alone", () => {
    const input = ["a", "b", "c", "d"];
    const out = shuffled(input);
    expect([...out].sort()).toEqual(input);
    expect(input).toEqual(["a", "b", "c", "d"]);
  });

  it("puts the first option anywhere: every position is reached", () => {
    const positions = new Set<number>();
    for (let i = 0; i < 200; i++) positions.add(shuffled(["x", "b", "c", "d"]).indexOf("x"));
    expect([...positions].sort()).toEqual([0, 1, 2, 3]);
  });

  it("is deterministic with a given random source", () => {
    expect(shuffled([1, 2, 3], () => 0)).toEqual([2, 3, 1]);
  });
});
