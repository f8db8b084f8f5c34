/** The Convex client's logger: expected refusals are not reported as errors (which Next.js's overlay shows as crashes). */
import { afterEach, describe, expect, it, vi } from "vitest";
import { clientLogger, isExpectedRefusal } from "./client-logger";

afterEach(() => vi.restoreAllMocks());

const refusal = (code: string) =>
  `[CONVEX M(generationJobs:createJob)] ConvexError ${JSON.stringify({ code, message: "m" }, null, 2)}`;

describe("clientLogger", () => {
  it("logs an app error's refusal as info, anything else as an error", () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const info = vi.spyOn(console, "info").mockImplementation(() => undefined);
    clientLogger.error(refusal("CONCURRENCY_LIMIT"));
    clientLogger.error(refusal("RATE_LIMITED"));
    expect(info).toHaveBeenCalledTimes(2);
    expect(error).not.toHaveBeenCalled();
    clientLogger.error("[CONVEX M(generationJobs:createJob)] [Request ID: 1] Server Error");
    clientLogger.error(refusal("SOMETHING_ELSE"));
    clientLogger.error("[CONVEX FATAL ERROR] boom");
    expect(error).toHaveBeenCalledTimes(3);
  });

  it("recognises only the client's own ConvexError lines", () => {
    expect(isExpectedRefusal([refusal("INVALID_STATE")])).toBe(true);
    expect(isExpectedRefusal(["[CONVEX M(x:y)] ConvexError not json"])).toBe(false);
    expect(isExpectedRefusal([new Error("CONCURRENCY_LIMIT")])).toBe(false);
    expect(isExpectedRefusal([])).toBe(false);
  });
});
