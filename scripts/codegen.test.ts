/**
 * `npm run codegen -- --check`: the checked-in convex/_generated is what a
 * push writes (the CLI's push against the local stand-in), and staleness is
 * reported by file.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { staleFiles, staleGeneratedFiles } from "./codegen";

test("convex/_generated matches what a push of the current code writes", async () => {
  expect(await staleGeneratedFiles()).toEqual([]);
}, 120_000);

test("--check names changed, missing and extra files", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "codegen-test-"));
  try {
    writeFileSync(path.join(dir, "api.js"), "same");
    writeFileSync(path.join(dir, "server.d.ts"), "old");
    writeFileSync(path.join(dir, "leftover.d.ts"), "x");
    const fresh = new Map([
      ["api.js", "same"],
      ["server.d.ts", "new"],
      ["dataModel.d.ts", "added"],
    ]);
    expect(staleFiles(fresh, dir)).toEqual(["dataModel.d.ts", "leftover.d.ts", "server.d.ts"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
