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

  describe("a configured key in other spellings", () => {
    const key = "Loc4l-Key+123/456=";
    const base64 = (text: string) => btoa(text);
    const leaks = (text: string) => expect(redactSecrets(text, [key])).not.toMatch(/loc4l|123|456/i);

    test("in another letter case", () => {
      expect(redactSecrets(`bad key ${key.toUpperCase()} and ${key.toLowerCase()}`, [key])).toBe(
        "bad key [redacted] and [redacted]",
      );
    });

    test("URL-encoded, with upper- or lower-case escapes, wholly or in part", () => {
      const encoded = encodeURIComponent(key);
      expect(encoded).not.toBe(key);
      expect(redactSecrets(`GET /v1?x=${encoded}&y=1`, [key])).toBe("GET /v1?x=[redacted]&y=1");
      expect(redactSecrets(`GET /v1?x=${encoded.toLowerCase()}`, [key])).toBe("GET /v1?x=[redacted]");
      const everyCharacter = Array.from(key, (c) => `%${c.charCodeAt(0).toString(16)}`).join("");
      expect(redactSecrets(`x=${everyCharacter}`, [key])).toBe("x=[redacted]");
      leaks(`GET /v1/models%3Fkey%3D${encodeURIComponent(encoded)}`);
    });

    test("base64 and base64url, alone or inside a longer encoded value", () => {
      expect(redactSecrets(`token ${base64(key)} refused`, [key])).toBe("token [redacted] refused");
      expect(redactSecrets(`Authorization: Basic ${base64(`user:${key}`)}`, [key])).toBe(
        "Authorization: Basic [redacted]",
      );
      for (const prefix of ["", "a", "ab", "abc"]) {
        for (const suffix of ["", "z", "yz"]) {
          const encoded = base64(`${prefix}${key}${suffix}`);
          expect(redactSecrets(`value ${encoded} end`, [key])).toBe("value [redacted] end");
          const url = encoded.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
          expect(redactSecrets(`value ${url} end`, [key])).toBe("value [redacted] end");
        }
      }
    });

    test("split by white space, line breaks, quotes or string concatenation", () => {
      const [head, tail] = [key.slice(0, 7), key.slice(7)];
      for (const joined of [
        `${head} ${tail}`,
        `${head}\n${tail}`,
        `"${head}" + "${tail}"`,
        `${head}\\n${tail}`,
        `'${head}',\n  '${tail}'`,
        Array.from(key).join(" "),
      ]) {
        const redacted = redactSecrets(`key: ${joined}!`, [key]);
        expect(redacted).toMatch(/^key: ["']?\[redacted\]["']?!$/);
      }
    });

    test("upper-case key-shaped tokens are caught without being configured", () => {
      expect(redactSecrets("provided: SK-PROJ-ABCDEF123456.", [])).toBe("provided: sk-[redacted].");
      expect(redactSecrets("key AIZASYA1234567890ABCDEFGHIJ bad", [])).toBe("key AIza[redacted] bad");
      expect(redactSecrets("GET /x%3Fkey%3Dabc123%26alt%3Dsse", [])).toBe("GET /x%3Fkey%3D[redacted]%26alt%3Dsse");
    });
  });
});
