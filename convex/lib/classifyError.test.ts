/**
 * Error classification: what the job records for each way a model call fails.
 * Every error is one the real providers (`@ai-sdk/google`,
 * `@ai-sdk/openai-compatible`) threw over HTTP against a local stand-in
 * (`tests/support/wire/`), called the way `processJob` calls them: one test
 * per row of the table in `docs/model-errors.md` and provider.
 */
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { afterEach, describe, expect, test, vi } from "vitest";
import { classifyError, InvalidOutputError } from "./classifyError";
import { runCase, TABLE_RETRY_AFTER_S, WIRE_CASES } from "../../tests/support/wire/cases";
import { generateLikeProcessJob } from "../../tests/support/wire/capture";
import { startProviderStandIn, wireChoice, WIRE_PROVIDERS } from "../../tests/support/wire/providers";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe.each(WIRE_PROVIDERS)("%s: the server's failure → the job's code", (provider) => {
  const cases = WIRE_CASES.filter((wireCase) => wireCase.scenario(provider) !== null);

  test.each(cases.filter((wireCase) => wireCase.expected !== null))("$name", async (wireCase) => {
    const run = await runCase(provider, wireCase);
    expect(run.silent).toBe(false);
    expect(classifyError(run.error)).toMatchObject(wireCase.expected!);
    expect(run.kept).toBe(wireCase.kept);
    expect(run.requests).toHaveLength(wireCase.requests ?? 1);
  });

  test.each(cases.filter((wireCase) => wireCase.expected === null))(
    "$name: no error ever comes (no timeout applies before the headers)",
    async (wireCase) => {
      const run = await runCase(provider, wireCase);
      expect(run).toMatchObject({ silent: true, error: null });
      expect(run.requests).toHaveLength(1);
    },
  );
});

describe("what else reaches classifyError", () => {
  test("the SDK's retries honour Retry-After, and giving up is classified (and described) by the last attempt", async () => {
    const wireCase = WIRE_CASES.find((c) => c.maxRetries === 1)!;
    const { error, requests } = await runCase("gemini", wireCase);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(TABLE_RETRY_AFTER_S * 1000 - 5);
    expect(classifyError(error)).toEqual({
      code: "RATE_LIMIT",
      retryable: true,
      message: "HTTP 429: Resource has been exhausted (e.g. check quota).",
    });
  });

  test("Gemini with no key at all: the provider's LoadAPIKeyError is API_KEY", async () => {
    vi.stubEnv("GOOGLE_GENERATIVE_AI_API_KEY", undefined);
    const server = await startProviderStandIn("gemini");
    try {
      const keyless = createGoogleGenerativeAI({ baseURL: server.url })("gemini-2.5-flash");
      const { error } = await generateLikeProcessJob({
        ...wireChoice("gemini", server, { maxRetries: 0 }),
        model: keyless,
      });
      expect(classifyError(error)).toMatchObject({ code: "API_KEY", retryable: false });
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  test("our own InvalidOutputError (no usable question at all) is INVALID_OUTPUT", () => {
    expect(classifyError(new InvalidOutputError("The model produced no usable questions."))).toMatchObject({
      code: "INVALID_OUTPUT",
      retryable: true,
    });
  });

  test("a long provider message is cut to a bounded length", async () => {
    const server = await startProviderStandIn("openai", () => ({
      reply: "status",
      status: 400,
      body: { error: { message: "x".repeat(2000), type: "invalid_request_error" } },
    }));
    try {
      const { error } = await generateLikeProcessJob(wireChoice("openai", server, { maxRetries: 0 }));
      expect(classifyError(error)).toMatchObject({ code: "UNKNOWN", retryable: false });
      expect(classifyError(error).message.length).toBe(500);
    } finally {
      await server.close();
    }
  });

  test("an error of unknown shape (another runtime's fetch, say) is classified by its message", () => {
    // Hand-built on purpose: no provider here produces it; Convex's own runtime may.
    expect(classifyError(new Error("network connection lost"))).toMatchObject({ code: "NETWORK", retryable: true });
    expect(classifyError(new Error("Something odd"))).toEqual({
      code: "UNKNOWN",
      retryable: false,
      message: "Something odd",
    });
  });
});
