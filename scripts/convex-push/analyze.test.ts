/**
 * The push stand-in's analysis (`analyze.ts`) on small hand-written bundles:
 * what it reads from modules and definitions, and that the import phase is
 * shaped like a Convex isolate's. (`push.test.ts` runs it on the real app.)
 */
import { describe, expect, test } from "vitest";
import { analyzeInChildProcess, type AnalyzeInput, type ComponentInput, type ModuleConfig } from "./analyze";

const isolate = (path: string, source: string): ModuleConfig => ({ path, source, environment: "isolate" });

/** What a registered function exposes to the analysis (see convex/src/server/impl/registration_impl.ts). */
const registered = (flags: string, args = "{}") =>
  `Object.assign(async () => null, { ${flags}, exportArgs: () => JSON.stringify({ type: "object", value: ${args} }), exportReturns: () => "null" })`;

function definition(exported: string, imports = ""): ModuleConfig {
  return isolate("convex.config.js", `${imports}\nexport default { export: () => (${exported}) };`);
}

const CHILD_DEFINITION = `{ name: "counter", definitionType: { type: "childComponent", name: "counter", args: [] }, childComponents: [], httpMounts: {}, exports: { type: "branch", branch: [] } }`;

function input(components: ComponentInput[], env: Record<string, string> = {}): AnalyzeInput {
  return { components, env, importPhase: { unixTimestampMs: Date.UTC(2026, 0, 1), seed: 7 } };
}

function app(functions: ModuleConfig[], extra: Partial<ComponentInput> = {}): ComponentInput {
  return { definitionPath: "", definition: null, dependencies: [], schema: null, functions, ...extra };
}

describe("the analysis of a push", () => {
  test("functions, crons and routes come from what the modules export; a 'use node' module is imported in Node", async () => {
    const output = await analyzeInChildProcess(
      input([
        app([
          isolate(
            "_deps/shared.js",
            `export const argsOf = { n: { fieldType: { type: "number" }, optional: false } };`,
          ),
          isolate(
            "jobs.js",
            `import { argsOf } from "./_deps/shared.js";
             export const list = ${registered("isQuery: true, isPublic: true", "argsOf")};
             export const tick = ${registered("isMutation: true, isInternal: true")};
             export const notAFunction = { isQuery: true, isMutation: true };
             export const LIMIT = 3;`,
          ),
          isolate(
            "crons.js",
            `export default { isCrons: true, export: () => JSON.stringify({ tick: { name: "jobs:tick", args: [{}], schedule: { type: "interval", seconds: 60 } } }) };`,
          ),
          isolate(
            "http.js",
            `export default { isRouter: true, getRoutes: () => [["/hook", "POST", async () => null]] };`,
          ),
          {
            path: "hash.js",
            environment: "node",
            source: `import { createHash } from "node:crypto";\nexport const sha = ${registered("isAction: true, isPublic: true")};\nexport const empty = createHash("sha256").digest("hex");`,
          },
        ]),
      ]),
    );
    if (!output.ok) throw new Error(output.message);
    const modules = output.result.functions[""]!;
    expect(modules["jobs.js"]!.functions).toEqual([
      {
        name: "list",
        pos: null,
        udfType: "Query",
        visibility: { kind: "public" },
        args: '{"type":"object","value":{"n":{"fieldType":{"type":"number"},"optional":false}}}',
        returns: "null",
      },
      {
        name: "tick",
        pos: null,
        udfType: "Mutation",
        visibility: { kind: "internal" },
        args: '{"type":"object","value":{}}',
        returns: "null",
      },
    ]);
    expect(modules["crons.js"]!.cronSpecs).toEqual([
      {
        identifier: "tick",
        spec: {
          udfPath: "jobs.js:tick",
          udfArgs: [...Buffer.from("[{}]")],
          cronSchedule: { type: "interval", seconds: 60 },
        },
      },
    ]);
    expect(modules["http.js"]!.httpRoutes).toEqual([{ route: { path: "/hook", method: "POST" }, pos: null }]);
    expect(modules["hash.js"]!.functions.map((f) => [f.name, f.udfType])).toEqual([["sha", "Action"]]);
    expect(Object.keys(modules)).not.toContain("_deps/shared.js");
  });

  test("a definition sees the definitions it uses as the backend serves them, and the app reads the deployment's variables", async () => {
    const output = await analyzeInChildProcess(
      input(
        [
          app(
            [
              isolate(
                "auth.config.js",
                `export default { providers: [{ domain: process.env.ISSUER, applicationID: "convex" }] };`,
              ),
            ],
            {
              dependencies: ["comp"],
              definition: definition(
                `{ definitionType: { type: "app" }, childComponents: [{ name: counter.defaultName, path: counter.componentDefinitionPath, args: [], env: [] }], httpMounts: {}, exports: { type: "branch", branch: [] }, envVars: [["ISSUER", { type: "value", value: '{"type":"string"}' }]] }`,
                `import counter from "./_componentDeps/${Buffer.from("comp").toString("base64url")}";`,
              ),
            },
          ),
          {
            definitionPath: "comp",
            definition: definition(CHILD_DEFINITION),
            dependencies: [],
            schema: null,
            functions: [],
          },
        ],
        { ISSUER: "https://issuer.example" },
      ),
    );
    if (!output.ok) throw new Error(output.message);
    expect(output.result.definitions[""]!.childComponents).toEqual([
      { name: "counter", path: "comp", args: [], env: [] },
    ]);
    expect(output.result.definitions[""]!.envVars).toEqual([["ISSUER", { type: "value", value: '{"type":"string"}' }]]);
    expect(output.result.definitions.comp!.definitionType).toEqual({
      type: "childComponent",
      name: "counter",
      args: [],
    });
    expect(output.result.appAuth).toEqual([{ domain: "https://issuer.example", applicationID: "convex" }]);
    expect(output.result.functions[""]!["auth.config.js"]!.functions).toEqual([]);
  });

  test("the import phase is an isolate's: no fetch, no bare imports, no variables in a component's definition, a frozen clock", async () => {
    const fails = async (components: ComponentInput[]) => {
      const output = await analyzeInChildProcess(input(components, { SECRET: "x" }));
      return output.ok ? "analyzed" : `${output.code}: ${output.message}`;
    };
    expect(await fails([app([isolate("boom.js", `export const r = fetch("https://example.com");`)])])).toBe(
      "InvalidModules: Failed to analyze boom.js: fetch unsupported at import time",
    );
    expect(await fails([app([isolate("bare.js", `import { v } from "convex/values";\nexport const x = v;`)])])).toMatch(
      /^ModuleNotFound: Can't resolve "convex\/values" imported by bare\.js/,
    );
    const reader = definition(CHILD_DEFINITION, "const secret = process.env.SECRET;");
    expect(
      await fails([
        app([], {
          dependencies: ["comp"],
          definition: definition(
            `{ definitionType: { type: "app" }, childComponents: [], httpMounts: {}, exports: { type: "branch", branch: [] } }`,
          ),
        }),
        { definitionPath: "comp", definition: reader, dependencies: [], schema: null, functions: [] },
      ]),
    ).toMatch(/^InvalidConvexConfig: .*Environment variables are only supported in the app's convex\.config\.ts\./);
    const clock = await analyzeInChildProcess(
      input([
        app([
          isolate(
            "clock.js",
            `export const at = ${registered("isQuery: true, isPublic: true", "{ at: { fieldType: { type: 'literal', value: Date.now() }, optional: false } }")};`,
          ),
        ]),
      ]),
    );
    if (!clock.ok) throw new Error(clock.message);
    expect(JSON.parse(clock.result.functions[""]!["clock.js"]!.functions[0]!.args)).toMatchObject({
      value: { at: { fieldType: { value: Date.UTC(2026, 0, 1) } } },
    });
  }, 30_000); // four child processes: seconds on a busy machine
});
