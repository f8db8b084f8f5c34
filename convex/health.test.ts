/** `health.ping`: answers its argument, signed in or not, reading nothing. */
import { expect, test } from "vitest";
import { api } from "./_generated/api";
import { asUser, initConvexTest } from "./test.setup";

test("ping answers its tick", async () => {
  const t = initConvexTest();
  expect(await t.query(api.health.ping, { at: 42 })).toBe(42);
  expect(await asUser(t, "alice").query(api.health.ping, { at: 7 })).toBe(7);
});
