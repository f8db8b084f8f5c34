/** Error classification: what the job records for each way a model call fails. */
import { APICallError, LoadAPIKeyError, NoObjectGeneratedError, RetryError } from "ai";
import { describe, expect, test } from "vitest";
import { classifyError, InvalidOutputError } from "./lib/classifyError";
import { http } from "../tests/support/scriptedModels";

const apiError = (statusCode: number, message = "error") =>
  new APICallError({ message, url: "https://model.test", requestBodyValues: {}, statusCode });

describe("classifyError", () => {
  test("rate limits are RATE_LIMIT and retryable", () => {
    expect(classifyError(http.tooManyRequests())).toMatchObject({ code: "RATE_LIMIT", retryable: true });
    expect(classifyError(new Error("429 Too Many Requests"))).toMatchObject({ code: "RATE_LIMIT", retryable: true });
    expect(classifyError(new Error("Quota exceeded for this project"))).toMatchObject({ code: "RATE_LIMIT" });
  });

  test("the SDK giving up after retries is classified by its last attempt", () => {
    const error = new RetryError({ message: "Failed after 3 attempts", reason: "maxRetriesExceeded", errors: [http.tooManyRequests(), http.tooManyRequests()] });
    expect(classifyError(error)).toEqual({
      code: "RATE_LIMIT",
      retryable: true,
      message: "HTTP 429: Resource has been exhausted (e.g. check quota).",
    });
  });

  test("bad keys are API_KEY and not retryable", () => {
    expect(classifyError(http.unauthorized())).toMatchObject({ code: "API_KEY", retryable: false });
    expect(classifyError(apiError(403))).toMatchObject({ code: "API_KEY", retryable: false });
    // Gemini answers an invalid key with 400.
    expect(classifyError(apiError(400, "API key not valid. Please pass a valid API key."))).toMatchObject({ code: "API_KEY" });
    expect(classifyError(new LoadAPIKeyError({ message: "Google Generative AI API key is missing." }))).toMatchObject({ code: "API_KEY" });
  });

  test("dropped connections, timeouts and server errors are NETWORK and retryable", () => {
    expect(classifyError(http.connectionReset())).toMatchObject({ code: "NETWORK", retryable: true });
    expect(classifyError(new DOMException("Chunk timeout of 30000ms exceeded", "TimeoutError"))).toMatchObject({ code: "NETWORK", retryable: true });
    expect(classifyError(apiError(503, "Service unavailable"))).toMatchObject({ code: "NETWORK", retryable: true });
    expect(classifyError(new Error("socket hang up"))).toMatchObject({ code: "NETWORK" });
  });

  test("unusable output is INVALID_OUTPUT and retryable", () => {
    const noObject = new NoObjectGeneratedError({
      message: "No object generated: could not parse the response.",
      text: "{",
      response: { id: "r", timestamp: new Date(0), modelId: "m" },
      usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } as never,
      finishReason: "stop",
    });
    expect(classifyError(noObject)).toMatchObject({ code: "INVALID_OUTPUT", retryable: true });
    expect(classifyError(new InvalidOutputError("no usable questions"))).toMatchObject({ code: "INVALID_OUTPUT", retryable: true });
  });

  test("anything else is UNKNOWN and not retryable, with a bounded message", () => {
    expect(classifyError(new Error("Something odd"))).toEqual({ code: "UNKNOWN", retryable: false, message: "Something odd" });
    expect(classifyError(apiError(400, "Bad request"))).toMatchObject({ code: "UNKNOWN", retryable: false });
    expect(classifyError("a string")).toMatchObject({ code: "UNKNOWN", message: "a string" });
    expect(classifyError(new Error("x".repeat(2000))).message.length).toBe(500);
  });
});
