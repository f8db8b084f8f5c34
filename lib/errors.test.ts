import { ConvexError } from "convex/values";
import { expect, test } from "vitest";
import { appError, appErrorCode, isAppError, userFacingMessage } from "./errors";

test("app errors carry a code and a message the UI shows", () => {
  const error = appError("RATE_LIMITED", "Slow down.", { retryAfterMs: 1200 });
  expect(isAppError(error)).toBe(true);
  expect(error.data).toEqual({ code: "RATE_LIMITED", message: "Slow down.", retryAfterMs: 1200 });
  expect(appErrorCode(error)).toBe("RATE_LIMITED");
  expect(userFacingMessage(error)).toBe("Slow down.");
});

test("other errors are not app errors and get a generic message", () => {
  expect(isAppError(new ConvexError("plain"))).toBe(false);
  expect(isAppError(new ConvexError({ code: "SOMETHING_ELSE", message: "x" }))).toBe(false);
  expect(appErrorCode(new Error("boom"))).toBeNull();
  expect(userFacingMessage(new Error("boom"))).toBe("Something went wrong. Please try again.");
  expect(userFacingMessage(new Error("[CONVEX M(x)] Connection lost while action was in flight"))).toMatch(
    /Can't reach the server/,
  );
});

test("the backend unable to save (its coded StorageUnavailable) is said plainly, not as something went wrong", () => {
  const error = new ConvexError({
    code: "StorageUnavailable",
    message: "The backend can't save data (ENOSPC: no space left on device), so nothing was changed.",
  });
  expect(userFacingMessage(error)).toBe(
    "The server can't save data right now, so nothing was changed. Try again in a moment.",
  );
});
