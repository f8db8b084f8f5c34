/**
 * The pure parts of local-convex: wire encodings, function paths, module and
 * component discovery, cron times, the loader hook's transformation, token
 * claims, the transaction gate, read-set invalidation and mutation dedup.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { cronJobs, makeFunctionReference } from "convex/server";
import { describe, expect, test } from "vitest";
import { identityFromClaims } from "./auth";
import { cronExpression, cronJobsOf, intervalMs, nextCronTime, type CronSchedule } from "./crons";
import { childUses, discoverComponents } from "./engine/components";
import type { Doc, RangeExpression } from "./engine/convexTestInternals";
import { EXPOSED_INTERNALS, exposeInternals, isConvexTestEntry } from "./engine/convexTestHook";
import { canonicalizeUdfPath, udfPathFromRunPath } from "./engine/functionPath";
import { TransactionGate } from "./engine/gate";
import { isEntryPoint } from "./engine/modules";
import { ReadSet, writeAffects, type Write } from "./engine/patches";
import { formatLogLine } from "./log";
import { isLoopbackOrigin, OriginPolicy } from "./origin";
import { MUTATION_LOG_MAX_ERROR_LENGTH, MUTATION_LOG_MAX_PER_SESSION } from "./limits";
import { MutationLog, type StoredResult } from "./sync/mutationLog";
import { decodeU64, encodeU64, serializeServerMessage } from "./sync/protocol";
import { decodeJournal, encodeJournal } from "./sync/subscriptions";

const root = path.resolve(import.meta.dirname, "..");

describe("EncodedU64", () => {
  test("matches the client's encoding (base64 of 8 little-endian bytes)", () => {
    expect(encodeU64(0n)).toBe("AAAAAAAAAAA=");
    expect(encodeU64(1n)).toBe("AQAAAAAAAAA=");
    expect(encodeU64(100n)).toBe("ZAAAAAAAAAA=");
    expect(encodeU64(150n)).toBe("lgAAAAAAAAA=");
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    expect(decodeU64(encodeU64(nowNs))).toBe(nowNs);
    expect(() => encodeU64(-1n)).toThrow();
  });

  test("Transition and MutationResponse carry encoded timestamps", () => {
    const version = { querySet: 1, identity: 0, ts: 100n };
    expect(
      JSON.parse(
        serializeServerMessage({ type: "Transition", startVersion: version, endVersion: version, modifications: [] }),
      ),
    ).toEqual({
      type: "Transition",
      startVersion: { querySet: 1, identity: 0, ts: "ZAAAAAAAAAA=" },
      endVersion: { querySet: 1, identity: 0, ts: "ZAAAAAAAAAA=" },
      modifications: [],
    });
    const ok = JSON.parse(
      serializeServerMessage({
        type: "MutationResponse",
        requestId: 0,
        success: true,
        result: null,
        ts: 1n,
        logLines: [],
      }),
    ) as { ts: string };
    expect(ok.ts).toBe("AQAAAAAAAAA=");
  });
});

describe("function paths", () => {
  test("accepts the forms clients send", () => {
    expect(canonicalizeUdfPath("messages:list")).toBe("messages:list");
    expect(canonicalizeUdfPath("messages.js:list")).toBe("messages:list");
    expect(canonicalizeUdfPath("messages")).toBe("messages:default");
    expect(canonicalizeUdfPath("lib/ai/models.js")).toBe("lib/ai/models:default");
    expect(udfPathFromRunPath("generationJobs/createJob")).toBe("generationJobs:createJob");
    expect(udfPathFromRunPath("a/b/c")).toBe("a/b:c");
    expect(() => canonicalizeUdfPath("../etc:passwd")).toThrow(/Invalid function path/);
  });
});

describe("function modules", () => {
  test("follow the Convex CLI's entry point rules", () => {
    expect(isEntryPoint("generationJobs.ts")).toBe(true);
    expect(isEntryPoint("lib/ai/models.ts")).toBe(true);
    for (const skipped of [
      "schema.ts",
      "auth.config.ts",
      "convex.config.ts",
      "a.test.ts",
      "x.d.ts",
      "_generated/api.js",
      ".hidden.ts",
      "notes.md",
      "my file.ts",
    ]) {
      expect(isEntryPoint(skipped), skipped).toBe(false);
    }
  });
});

describe("components", () => {
  test("are found from the app's convex.config.ts, children of components included", () => {
    const components = discoverComponents(path.join(root, "convex/convex.config.ts"));
    const rateLimiterDir = path.dirname(
      createRequire(import.meta.url).resolve("@convex-dev/rate-limiter/convex.config.js"),
    );
    expect(components.map((c) => c.path)).toEqual(["rateLimiter", "rateLimiter/batchWorker"]);
    expect(components[0]).toEqual({
      path: "rateLimiter",
      dir: rateLimiterDir,
      schemaFile: path.join(rateLimiterDir, "schema.js"),
    });
  });

  test("an explicit name wins over the component's own", () => {
    const source = `import limiter from "@convex-dev/rate-limiter/convex.config.js";\napp.use(limiter, { name: "strictLimiter" });`;
    expect(childUses(source, path.join(root, "convex/convex.config.ts"))).toEqual([
      { name: "strictLimiter", configFile: expect.stringContaining("rate-limiter") as unknown },
    ]);
  });
});

describe("crons", () => {
  const at = (iso: string) => Date.parse(iso);

  test("calendar schedules become cron expressions, interval schedules periods", () => {
    expect(cronExpression({ type: "daily", hourUTC: 3, minuteUTC: 0 })).toBe("0 3 * * *");
    expect(cronExpression({ type: "hourly", minuteUTC: 15 })).toBe("15 * * * *");
    expect(cronExpression({ type: "weekly", dayOfWeek: "tuesday", hourUTC: 17, minuteUTC: 30 })).toBe("30 17 * * 2");
    expect(cronExpression({ type: "monthly", day: 1, hourUTC: 0 })).toBe("0 0 1 * *");
    expect(intervalMs({ type: "interval", minutes: 1 })).toBe(60_000);
  });

  test("the next run is the first matching minute strictly after now, in UTC", () => {
    expect(nextCronTime("0 3 * * *", at("2026-01-01T02:59:30Z"))).toBe(at("2026-01-01T03:00:00Z"));
    expect(nextCronTime("0 3 * * *", at("2026-01-01T03:00:00Z"))).toBe(at("2026-01-02T03:00:00Z"));
    expect(nextCronTime("*/15 * * * *", at("2026-01-01T10:07:00Z"))).toBe(at("2026-01-01T10:15:00Z"));
    expect(nextCronTime("30 17 * * 2", at("2026-01-01T00:00:00Z"))).toBe(at("2026-01-06T17:30:00Z")); // a Tuesday
    expect(nextCronTime("0 0 29 2 *", at("2026-03-01T00:00:00Z"))).toBe(at("2028-02-29T00:00:00Z"));
    // Both day fields restricted: either matches (1st of the month, or a Monday).
    expect(nextCronTime("0 12 1 * 1", at("2026-01-02T00:00:00Z"))).toBe(at("2026-01-05T12:00:00Z"));
    expect(() => nextCronTime("61 * * * *", 0)).toThrow(/out of range/);
    expect(() => nextCronTime("* * *", 0)).toThrow(/5 fields/);
  });

  test("jobs are read from a cronJobs() object", () => {
    const crons = cronJobs();
    crons.interval("sweep", { minutes: 1 }, makeFunctionReference<"mutation">("jobs:sweep"), {});
    crons.daily("prune", { hourUTC: 3, minuteUTC: 0 }, makeFunctionReference<"mutation">("jobs:prune"), { days: 7n });
    expect(cronJobsOf({ default: crons })).toEqual([
      { id: "sweep", udfPath: "jobs:sweep", args: {}, schedule: { type: "interval", minutes: 1 } },
      {
        id: "prune",
        udfPath: "jobs:prune",
        args: { days: 7n },
        schedule: { type: "daily", hourUTC: 3, minuteUTC: 0 } satisfies CronSchedule,
      },
    ]);
    expect(cronJobsOf(null)).toEqual([]);
  });
});

describe("the convex-test loader hook", () => {
  const entry = createRequire(import.meta.url).resolve("convex-test");
  const source = readFileSync(entry, "utf8");

  test("exports every internal local-convex needs from the installed convex-test", () => {
    expect(isConvexTestEntry(`file://${entry}`)).toBe(true);
    const transformed = exposeInternals(source);
    // convex-test's own code is kept; only runScheduledFunction is renamed, to put the scheduler's slots in front of it.
    const renamed = "async function __localConvexOriginalRunScheduledFunction(";
    expect(transformed.startsWith(source.replace("async function runScheduledFunction(", renamed))).toBe(true);
    expect(transformed).toContain(`export { ${EXPOSED_INTERNALS.join(", ")} };`);
    expect(transformed).toContain("__localConvexMissingInternals = [];");
  });

  test("names what a changed convex-test no longer declares instead of breaking the module", () => {
    const changed = source.replace(/\bclass DatabaseFake\b/, "class DatabaseEngine");
    expect(exposeInternals(changed)).toContain('__localConvexMissingInternals = ["DatabaseFake"]');
    const noScheduledStarts = source.replace(/\bfunction runScheduledFunction\b/, "function startScheduledJob");
    expect(exposeInternals(noScheduledStarts)).toContain(
      '__localConvexMissingInternals = ["runScheduledFunction","setScheduledFunctionRunner"]',
    );
    const alreadyExported = source.replace(/^function tableNameFromId\b/m, "export function tableNameFromId");
    expect(exposeInternals(alreadyExported)).not.toMatch(/export \{[^}]*tableNameFromId/);
  });
});

describe("token claims", () => {
  test("become the identity Convex gives functions", () => {
    const identity = identityFromClaims({
      iss: "http://127.0.0.1:3000",
      sub: "user-1",
      aud: "convex",
      exp: 2,
      iat: 1,
      name: "Ada",
      email_verified: true,
      picture: "https://example.com/a.png",
      team: "blue",
    });
    expect(identity).toEqual({
      tokenIdentifier: "http://127.0.0.1:3000|user-1",
      subject: "user-1",
      issuer: "http://127.0.0.1:3000",
      name: "Ada",
      emailVerified: true,
      pictureUrl: "https://example.com/a.png",
      team: "blue",
    });
  });

  test("cannot name another user: tokenIdentifier, subject and issuer come from iss and sub only", () => {
    const identity = identityFromClaims({
      iss: "http://127.0.0.1:3000",
      sub: "mallory",
      tokenIdentifier: "http://127.0.0.1:3000|alice",
      subject: "alice",
      issuer: "https://accounts.example.com",
      team: "red",
    });
    expect(identity).toEqual({
      tokenIdentifier: "http://127.0.0.1:3000|mallory",
      subject: "mallory",
      issuer: "http://127.0.0.1:3000",
      team: "red",
    });
  });
});

describe("OriginPolicy", () => {
  test("allows non-browser clients, loopback pages and configured origins; refuses every other page", () => {
    const policy = new OriginPolicy(["https://app.example.com"]);
    for (const allowed of [
      undefined,
      "http://localhost:3000",
      "http://127.0.0.1:3001",
      "http://[::1]:3000",
      "https://app.localhost",
      "https://app.example.com",
    ]) {
      expect(policy.allows(allowed), String(allowed)).toBe(true);
    }
    for (const refused of [
      "https://evil.example",
      "http://localhost.evil.example",
      "http://127.0.0.1.evil.example:3000",
      "null",
      "file://",
      "https://app.example.com:8443",
      "not a url",
    ]) {
      expect(policy.allows(refused), refused).toBe(false);
    }
    expect(isLoopbackOrigin("http://127.5.0.1:80")).toBe(true);
    expect(() => new OriginPolicy(["ftp://example.com"])).toThrow(/Not an http\(s\) origin/);
  });
});

describe("TransactionGate", () => {
  test("an exclusive group waits for running transactions and holds new ones back", async () => {
    const gate = new TransactionGate();
    const events: string[] = [];
    expect(gate.admit("a")).toBeUndefined(); // transaction A starts at once
    const exclusive = gate.runExclusive(() => {
      events.push("group");
      expect(gate.admit("a")).toBeUndefined(); // the group's own transactions pass
      gate.release();
      return Promise.resolve();
    });
    const b = gate.admit("b")!; // B must wait for the group
    void b.then(() => events.push("B"));
    await new Promise((r) => setTimeout(r, 5));
    expect(events).toEqual([]); // the group waits for A
    events.push("A ends");
    gate.release();
    await exclusive;
    await b;
    expect(events).toEqual(["A ends", "group", "B"]);
  });

  test("waiting transactions are served round-robin by key: a flood does not delay others", async () => {
    const gate = new TransactionGate();
    const order: string[] = [];
    expect(gate.admit("flood")).toBeUndefined();
    const waiting = [
      ...Array.from({ length: 5 }, (_, i) => ["flood", `flood-${i}`] as const),
      ["bystander", "bystander"] as const,
      ["flood", "flood-5"] as const,
      ["server", "cron"] as const,
    ].map(([key, name]) =>
      gate.admit(key)!.then(() => {
        order.push(name);
        gate.release();
      }),
    );
    expect(gate.waiting).toBe(8);
    gate.release();
    await Promise.all(waiting);
    expect(order).toEqual(["flood-0", "bystander", "cron", "flood-1", "flood-2", "flood-3", "flood-4", "flood-5"]);
    expect(gate.admit("x")).toBeUndefined(); // free again
  });
});

describe("read sets", () => {
  const doc = (id: string, userId: string) => ({ _id: id, _creationTime: 0, userId }) as Doc;
  const write = (previous: Doc | null, next: Doc | null): Write => ({
    componentPath: "",
    table: "jobs",
    id: (next ?? previous)!._id,
    doc: next,
    previous,
  });
  const matches = (d: Doc, range: RangeExpression[]) => range.every((r) => d[r.fieldPath] === r.value);

  test("a write affects a query when the document is, or was, in a range it read", () => {
    const reads = new ReadSet();
    reads.addRange("|jobs", [{ type: "Eq", fieldPath: "userId", value: "alice" }]);
    expect(writeAffects(reads, write(null, doc("1jobs", "alice")), matches)).toBe(true);
    expect(writeAffects(reads, write(null, doc("2jobs", "bob")), matches)).toBe(false);
    expect(writeAffects(reads, write(doc("3jobs", "alice"), doc("3jobs", "bob")), matches)).toBe(true); // left the range
    expect(writeAffects(reads, write(doc("4jobs", "bob"), null), matches)).toBe(false);
  });

  test("documents read by id, and scanned tables, are always affected", () => {
    const reads = new ReadSet();
    reads.addId("|jobs", "5jobs");
    expect(writeAffects(reads, write(doc("5jobs", "bob"), doc("5jobs", "bob")), matches)).toBe(true);
    expect(writeAffects(reads, write(null, doc("6jobs", "bob")), matches)).toBe(false);
    reads.scannedTables.add("|jobs");
    expect(writeAffects(reads, write(null, doc("6jobs", "bob")), matches)).toBe(true);
    expect(reads.tables()).toEqual(new Set(["|jobs"]));
  });
});

describe("MutationLog", () => {
  test("answers a re-sent mutation with the first answer, without running it again", async () => {
    const log = new MutationLog();
    let runs = 0;
    const execute = (): Promise<StoredResult> =>
      Promise.resolve({ success: true, value: ++runs, ts: "5", logLines: [] });
    const first = log.run("session", 0, "ada", execute);
    const again = log.run("session", 0, "ada", execute); // while the first still runs
    expect(await first).toEqual(await again);
    expect(await log.run("session", 0, "ada", execute)).toEqual({ success: true, value: 1, ts: "5", logLines: [] });
    expect(await log.run("other-session", 0, "ada", execute)).toMatchObject({ value: 2 });

    const restored = new MutationLog();
    restored.import(log.export());
    expect(await restored.run("session", 0, "ada", execute)).toMatchObject({ value: 1 });
    expect(runs).toBe(2);
  });

  test("answers a re-sent request only to the identity that made it, before and after a restart", async () => {
    const log = new MutationLog();
    let runs = 0;
    const execute = (): Promise<StoredResult> =>
      Promise.resolve({ success: true, value: `secret ${++runs}`, ts: "5", logLines: [] });
    await log.run("victim-session", 3, "issuer|victim", execute);
    const restored = new MutationLog();
    restored.import(log.export());
    for (const kept of [log, restored]) {
      for (const intruder of ["issuer|mallory", null]) {
        expect(kept.has("victim-session", 3, intruder)).toBe(false);
        const answer = await kept.run("victim-session", 3, intruder, execute);
        expect(answer).toEqual({
          success: false,
          errorMessage: expect.stringMatching(/^RequestMadeByAnotherIdentity: request 3 of this session/) as unknown,
          logLines: [],
        });
      }
      expect(await kept.run("victim-session", 3, "issuer|victim", execute)).toMatchObject({ value: "secret 1" });
    }
    expect(runs).toBe(1);
    // Results stored before they had a caller are given to nobody.
    const legacy = new MutationLog();
    legacy.import([
      { sessionId: "s", requestId: 0, at: Date.now(), result: { success: true, value: 1, ts: "1", logLines: [] } },
    ]);
    expect(legacy.size).toBe(0);
  });
});

describe("MutationLog limits", () => {
  test("keeps at most MUTATION_LOG_MAX_PER_SESSION results per session, stores errors shortened, exports only successes", async () => {
    const log = new MutationLog();
    const ok = (value: number) => () => Promise.resolve<StoredResult>({ success: true, value, ts: "1", logLines: [] });
    for (let requestId = 0; requestId <= MUTATION_LOG_MAX_PER_SESSION; requestId++)
      await log.run("s", requestId, null, ok(requestId));
    expect(log.size).toBe(MUTATION_LOG_MAX_PER_SESSION);
    expect(log.has("s", 0, null)).toBe(false); // the oldest went first
    expect(log.has("s", MUTATION_LOG_MAX_PER_SESSION, null)).toBe(true);

    const longError = "x".repeat(MUTATION_LOG_MAX_ERROR_LENGTH * 2);
    const failed = await log.run("t", 0, null, () =>
      Promise.resolve<StoredResult>({ success: false, errorMessage: longError, logLines: [] }),
    );
    expect(failed).toMatchObject({ errorMessage: longError }); // the first answer is whole
    const again = await log.run("t", 0, null, ok(0));
    expect(again.success ? "" : again.errorMessage).toHaveLength(MUTATION_LOG_MAX_ERROR_LENGTH + 1); // a re-send gets it shortened
    expect((log.export() as Array<{ sessionId: string }>).every((row) => row.sessionId === "s")).toBe(true);
  });
});

describe("log lines", () => {
  test("look like Convex's: level, then each argument inspected", () => {
    expect(formatLogLine("log", ["q ran"])).toBe("[LOG] 'q ran'");
    expect(formatLogLine("warn", ["n =", 3, { a: 1 }])).toBe("[WARN] 'n =' 3 { a: 1 }");
  });
});

describe("journals", () => {
  test("round-trip, and foreign journals are ignored", () => {
    expect(decodeJournal(encodeJournal('["x"]'))).toBe('["x"]');
    expect(decodeJournal("some other backend's journal")).toBeNull();
  });
});
