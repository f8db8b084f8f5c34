/** `safeNextPath`: every spelling of another site falls back to "/", paths on this site are kept. */
import { describe, expect, test } from "vitest";
import { safeNextPath } from "./constants";

/** Where a browser on `origin` goes when told to go to `path` (a link, `Location`, `location.assign`). */
const landsOn = (path: string, origin = "http://app.test") => new URL(path, origin).origin;

describe("safeNextPath", () => {
  const offSite = [
    "//evil.example",
    "//evil.example/path",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "/\t\t//evil.example",
    "\t//evil.example",
    "/%09/evil.example",
    "/%0A/evil.example",
    "/%0D%0A/evil.example",
    "/.//evil.example",
    "/./\\evil.example",
    "/..//evil.example",
    "/x/..//evil.example",
    "/%2e//evil.example",
    "/\u0000/evil.example",
    "/\u007F/evil.example",
    "https://evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    " /evil",
    "evil.example",
    "",
    null,
    undefined,
  ];

  test.each(offSite.map((raw) => [JSON.stringify(raw), raw]))("%s stays on this site", (_, raw) => {
    const next = safeNextPath(raw);
    expect(next.startsWith("/") && !next.startsWith("//")).toBe(true);
    expect(landsOn(next)).toBe("http://app.test");
  });

  test("a value decoded once more (as a second redirect would) still stays on this site", () => {
    for (const raw of offSite) {
      if (typeof raw !== "string") continue;
      let decoded: string;
      try {
        decoded = decodeURIComponent(safeNextPath(raw));
      } catch {
        continue;
      }
      expect(landsOn(safeNextPath(decoded))).toBe("http://app.test");
    }
  });

  test("paths on this site are kept, with their query and fragment", () => {
    expect(safeNextPath("/my-questions?topic=NATO%20alphabet")).toBe("/my-questions?topic=NATO%20alphabet");
    expect(safeNextPath("/jobs/abc#questions")).toBe("/jobs/abc#questions");
    expect(safeNextPath("/")).toBe("/");
    expect(safeNextPath("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example"); // an encoded slash is part of a path
    expect(landsOn(safeNextPath("/%2F%2Fevil.example"))).toBe("http://app.test");
  });

  test("the sign-in page itself is never the destination", () => {
    for (const raw of ["/sign-in", "/sign-in?next=/x", "/sign-in/factor-one", "/./sign-in"])
      expect(safeNextPath(raw)).toBe("/");
  });
});
