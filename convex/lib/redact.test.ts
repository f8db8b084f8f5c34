import { describe, expect, test } from "vitest";
import { readDeploymentEnv, secretValues } from "./env";
import { redactSecrets } from "./redact";

describe("redactSecrets", () => {
  test("replaces every configured secret value, wherever it appears", () => {
    const secrets = secretValues(
      readDeploymentEnv({ OPENAI_COMPATIBLE_API_KEY: "local-key-123456", GEMINI_MODEL: "gemini-2.5-flash" }),
    );
    expect(secrets).toEqual(["local-key-123456"]);
    expect(redactSecrets("HTTP 401: Incorrect API key provided: local-key-123456 (local-key-123456)", secrets)).toBe(
      "HTTP 401: Incorrect API key provided: [redacted] ([redacted])",
    );
  });

  test("replaces secret-looking tokens even when they are not configured", () => {
    expect(redactSecrets("Incorrect API key provided: sk-proj-abcDEF123456. See docs.", [])).toBe(
      "Incorrect API key provided: sk-[redacted]. See docs.",
    );
    expect(redactSecrets("key AIzaSyA1234567890abcdefghij is invalid", [])).toBe("key AIza[redacted] is invalid");
    expect(redactSecrets("Authorization: Bearer abc.def.ghi", [])).toBe("Authorization: Bearer [redacted]");
    expect(redactSecrets("GET https://x.test/v1/models?key=abc123&alt=sse", [])).toBe(
      "GET https://x.test/v1/models?key=[redacted]&alt=sse",
    );
  });

  test("leaves ordinary text and short values alone", () => {
    expect(redactSecrets("The model produced no usable questions.", ["abc"])).toBe(
      "The model produced no usable questions.",
    );
  });
});
