/**
 * The analysis a Convex deployment makes of a push, done in Node: the part of
 * the push stand-in (`standin.ts`) that turns the bundle the CLI uploads into
 * what `start_push` answers. It runs in a process of its own
 * (`analyzeInChildProcess` starts this file with `--experimental-vm-modules`):
 * an `AnalyzeInput` as JSON on stdin, an `AnalyzeOutput` as JSON on stdout.
 *
 * It reads the pushed code the way the backend does (get-convex/convex-backend,
 * `crates/isolate/src/environment/analyze.rs` and `component_definitions.rs`):
 * - each definition (`convex.config.js`) is evaluated after the definitions it
 *   imports, which it sees as the synthetic `_componentDeps/<base64url path>`
 *   modules the backend serves; its `.export()` is the definition's metadata;
 * - each schema's default export `.export()` is the schema;
 * - each function module of a component is imported (one context per
 *   component, `_deps/` chunks shared) and every export that has `isQuery`,
 *   `isMutation` or `isAction` is a function, with `isPublic`/`isInternal` for
 *   its visibility and `exportArgs()`/`exportReturns()` for its validators;
 *   `crons.js` adds its cron specs and `http.js` its routes;
 * - `auth.config.js` is not analyzed (an empty entry, as the backend does):
 *   its providers, read with the deployment's variables, are the app's auth.
 *
 * Modules run in `node:vm` contexts shaped like the import phase of a Convex
 * isolate: Web APIs, `process` holding only `env`, a frozen `Date`, a seeded
 * `Math.random`, and `fetch`, timers and crypto randomness failing. "use node"
 * modules are imported in plain Node. Source positions (`pos`) are not
 * resolved; the CLI does not read them.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";

export type ModuleConfig = { path: string; source: string; sourceMap?: string; environment: "isolate" | "node" };

/** One component definition of a push: the app is the one with `definitionPath` "". */
export type ComponentInput = {
  definitionPath: string;
  /** Its bundled `convex.config.js` (null: an app without one). */
  definition: ModuleConfig | null;
  /** Definition paths its `convex.config.js` imports. */
  dependencies: string[];
  schema: ModuleConfig | null;
  /** Every module: functions, `crons.js`, `http.js`, `auth.config.js`, `_deps/` chunks. */
  functions: ModuleConfig[];
};

export type AnalyzeInput = {
  components: ComponentInput[];
  /** The deployment's environment variables (seen by the app's code only). */
  env: Record<string, string>;
  /** Import-phase `Date.now()` and `Math.random` seed. */
  importPhase: { unixTimestampMs: number; seed: number };
};

export type Visibility = { kind: "public" } | { kind: "internal" };
export type AnalyzedFunction = {
  name: string;
  pos: null;
  udfType: "Query" | "Mutation" | "Action";
  visibility: Visibility | null;
  /** JSON of the args validator, as `exportArgs()` returns it. */
  args: string;
  /** JSON of the returns validator (`null` when there is none). */
  returns: string;
};
export type NamedCronSpec = {
  identifier: string;
  spec: { udfPath: string; udfArgs: number[]; cronSchedule: unknown };
};
export type AnalyzedModule = {
  functions: AnalyzedFunction[];
  httpRoutes: Array<{ route: { path: string; method: string }; pos: null }> | null;
  cronSpecs: NamedCronSpec[] | null;
  sourceMapped: null;
};

export type ComponentExport =
  { type: "leaf"; leaf: string } | { type: "branch"; branch: Array<[string, ComponentExport]> };
export type EnvVarDeclaration = [string, { type: "value"; value: string; optional?: boolean }];
export type DefinitionMetadata = {
  path: string;
  definitionType: { type: "app" } | { type: "childComponent"; name: string; args: unknown[] };
  httpPrefix?: string;
  childComponents: Array<{ name: string; path: string; args: unknown; env: unknown }>;
  httpMounts: Record<string, string>;
  exports: { type: "branch"; branch: Array<[string, ComponentExport]> };
  envVars: EnvVarDeclaration[];
};

export type SchemaTable = {
  tableName: string;
  indexes: Array<{ indexDescriptor: string; fields: string[] }>;
  stagedDbIndexes?: Array<{ indexDescriptor: string; fields: string[] }>;
  searchIndexes?: Array<{ indexDescriptor: string; searchField: string; filterFields: string[] }> | null;
  vectorIndexes?: Array<{
    indexDescriptor: string;
    vectorField: string;
    dimensions: number;
    filterFields: string[];
  }> | null;
  documentType: unknown;
};
export type AnalyzedSchema = { tables: SchemaTable[]; schemaValidation: boolean };

export type AnalyzeResult = {
  /** By definition path. */
  definitions: Record<string, DefinitionMetadata>;
  schemas: Record<string, AnalyzedSchema | null>;
  /** By definition path, then module path. */
  functions: Record<string, Record<string, AnalyzedModule>>;
  /** The providers of `auth.config.js`. */
  appAuth: unknown[];
};

export type AnalyzeOutput = { ok: true; result: AnalyzeResult } | { ok: false; code: string; message: string };

/** An error the backend reports to the pusher (HTTP 400 with this code). */
export class PushError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const AUTH_CONFIG = "auth.config.js";
const COMPONENT_DEPS = "_componentDeps/";

// Web APIs a Convex isolate provides (npm-packages/udf-runtime/src/setup.ts), taken from this Node.
const WEB_GLOBALS = [
  "URL",
  "URLSearchParams",
  "DOMException",
  "Event",
  "EventTarget",
  "AbortController",
  "AbortSignal",
  "ReadableStream",
  "ReadableStreamDefaultReader",
  "WritableStream",
  "TransformStream",
  "ByteLengthQueuingStrategy",
  "CountQueuingStrategy",
  "TextEncoder",
  "TextDecoder",
  "TextEncoderStream",
  "TextDecoderStream",
  "Blob",
  "File",
  "Headers",
  "FormData",
  "Request",
  "Response",
  "atob",
  "btoa",
  "structuredClone",
  "performance",
  "queueMicrotask",
];

// Runs inside each context: Date frozen at the import-phase time, Math.random seeded.
const IMPORT_PHASE_PRELUDE = `(function (now, seed) {
  const OriginalDate = Date;
  function ConvexDate(...args) {
    if (!new.target) return new ConvexDate().toString();
    return args.length === 0 ? new OriginalDate(now) : new OriginalDate(...args);
  }
  ConvexDate.now = () => now;
  ConvexDate.parse = OriginalDate.parse;
  ConvexDate.UTC = OriginalDate.UTC;
  ConvexDate.prototype = OriginalDate.prototype;
  OriginalDate.prototype.constructor = ConvexDate;
  globalThis.Date = ConvexDate;
  let state = seed >>> 0;
  Math.random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  globalThis.self = globalThis;
})`;

type ContextOptions = {
  /** What `process.env` reads; "forbidden" for a component's `convex.config.js`. */
  env: Record<string, string> | "forbidden";
  logs: string[];
  importPhase: AnalyzeInput["importPhase"];
};

function importPhaseContext({ env, logs, importPhase }: ContextOptions): vm.Context {
  const host = globalThis as unknown as Record<string, unknown>;
  const globals: Record<string, unknown> = {};
  for (const name of WEB_GLOBALS) globals[name] = host[name];
  const notAtImport = (what: string) => () => {
    throw new Error(`${what} unsupported at import time`);
  };
  const log = (...args: unknown[]) => {
    logs.push(args.map(String).join(" "));
  };
  globals.console = { log, info: log, warn: log, error: log, debug: log, trace: log };
  globals.fetch = notAtImport("fetch");
  for (const timer of ["setTimeout", "setInterval"]) globals[timer] = notAtImport(timer);
  globals.clearTimeout = globals.clearInterval = () => undefined;
  globals.crypto = {
    subtle: globalThis.crypto.subtle,
    getRandomValues: notAtImport("crypto.getRandomValues"),
    randomUUID: notAtImport("crypto.randomUUID"),
  };
  const envProxy = new Proxy(
    {},
    {
      get(_target, name) {
        if (typeof name !== "string") return undefined;
        if (env === "forbidden") {
          throw new Error("Environment variables are only supported in the app's convex.config.ts.");
        }
        return env[name];
      },
    },
  );
  globals.process = { env: envProxy };
  const context = vm.createContext(globals);
  const prelude = vm.runInContext(IMPORT_PHASE_PRELUDE, context) as (now: number, seed: number) => void;
  prelude(importPhase.unixTimestampMs, importPhase.seed);
  return context;
}

/** The module path the backend stores: `.js` added when missing. */
function canonicalModulePath(modulePath: string): string {
  return modulePath.endsWith(".js") ? modulePath : `${modulePath}.js`;
}

/** Modules of one context, linked by relative path like the backend's module loader. */
class ModuleGraph {
  private readonly modules = new Map<string, vm.SourceTextModule>();

  constructor(
    private readonly context: vm.Context,
    private readonly sources: Map<string, string>,
    /** Synthetic `_componentDeps/…` modules, by path. */
    private readonly synthetic = new Map<string, string>(),
  ) {}

  /** Evaluates the module at `modulePath` (and what it imports) and returns its namespace. */
  async evaluate(modulePath: string): Promise<Record<string, unknown>> {
    const module = this.module(modulePath);
    if (module.status === "unlinked") {
      await module.link((specifier, referrer) => this.module(this.resolve(specifier, referrer.identifier)));
    }
    if (module.status === "linked") await module.evaluate();
    if (module.status === "errored") throw module.error;
    return module.namespace as Record<string, unknown>;
  }

  private resolve(specifier: string, referrerIdentifier: string): string {
    const referrer = referrerIdentifier.replace(/^convex:\//, "");
    if (!specifier.startsWith("./") && !specifier.startsWith("../")) {
      throw new PushError(
        "ModuleNotFound",
        `Can't resolve "${specifier}" imported by ${referrer}: only relative imports are bundled.`,
      );
    }
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(referrer), specifier));
    return resolved.startsWith(COMPONENT_DEPS) ? resolved : canonicalModulePath(resolved);
  }

  private module(modulePath: string): vm.SourceTextModule {
    const existing = this.modules.get(modulePath);
    if (existing) return existing;
    const source = this.synthetic.get(modulePath) ?? this.sources.get(modulePath);
    if (source === undefined)
      throw new PushError("ModuleNotFound", `Couldn't find "${modulePath}" among the pushed modules.`);
    const module = new vm.SourceTextModule(source, {
      identifier: `convex:/${modulePath}`,
      context: this.context,
      importModuleDynamically: async (specifier, referrer) => {
        const target = this.resolve(specifier, referrer.identifier);
        await this.evaluate(target);
        return this.module(target);
      },
    });
    this.modules.set(modulePath, module);
    return module;
  }
}

function isObjectLike(value: unknown): value is Record<string, unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null;
}

function describeError(error: unknown): string {
  return error instanceof Error
    ? error.message
    : isObjectLike(error) && typeof error.message === "string"
      ? error.message
      : String(error);
}

/** Calls `exportArgs`/`exportReturns` of a registered function; the JSON it returns, or `fallback` when absent. */
function exportedValidator(fn: Record<string, unknown>, method: string, id: string, fallback: string): string {
  const exporter = fn[method];
  if (exporter === undefined) return fallback;
  if (typeof exporter !== "function")
    throw new PushError("InvalidModules", `${id}.${method} is not a function or \`undefined\`.`);
  const json: unknown = exporter.call(fn);
  if (typeof json !== "string")
    throw new PushError("InvalidModules", `Invalid ${method} return value: ${id}.${method}() didn't return a string.`);
  try {
    JSON.parse(json);
  } catch (error) {
    throw new PushError("InvalidModules", `Invalid JSON returned from ${id}.${method}(): ${describeError(error)}`);
  }
  return json;
}

/** The registered functions among a module's exports, as the backend's `udf_analyze` finds them. */
function analyzeFunctions(modulePath: string, namespace: Record<string, unknown>): AnalyzedFunction[] {
  const functions: AnalyzedFunction[] = [];
  for (const name of Object.keys(namespace)) {
    const value = namespace[name];
    if (!isObjectLike(value)) continue;
    const kinds = (["isQuery", "isMutation", "isAction"] as const).filter((flag) => flag in value);
    if (kinds.length !== 1) continue;
    const udfType = ({ isQuery: "Query", isMutation: "Mutation", isAction: "Action" } as const)[kinds[0]!];
    const isPublic = "isPublic" in value;
    const isInternal = "isInternal" in value;
    if (isPublic && isInternal) continue;
    const id = `${modulePath}:${name}`;
    functions.push({
      name,
      pos: null,
      udfType,
      visibility: isPublic ? { kind: "public" } : isInternal ? { kind: "internal" } : null,
      args: exportedValidator(value, "exportArgs", id, '{"type":"any"}'),
      returns: exportedValidator(value, "exportReturns", id, "null"),
    });
  }
  return functions;
}

function defaultExport(namespace: Record<string, unknown>, what: string): Record<string, unknown> {
  const value = namespace.default;
  if (!isObjectLike(value))
    throw new PushError("InvalidModules", `The default export of ${what} is missing or not an object.`);
  return value;
}

/** `crons.js`: the default export's `export()`, one spec per cron. */
function analyzeCrons(namespace: Record<string, unknown>): NamedCronSpec[] {
  const crons = defaultExport(namespace, "`convex/crons.js`");
  if (crons.isCrons !== true || typeof crons.export !== "function") {
    throw new PushError("InvalidModules", "The default export of `convex/crons.js` is not a Crons object.");
  }
  const exported = JSON.parse(String(crons.export.call(crons))) as Record<
    string,
    { name: string; args: unknown[]; schedule: unknown }
  >;
  return Object.entries(exported)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([identifier, cron]) => {
      const [modulePath, functionName = "default"] = cron.name.split(":");
      return {
        identifier,
        spec: {
          udfPath: `${canonicalModulePath(modulePath!)}:${functionName}`,
          // The backend stores the arguments as the bytes of their JSON.
          udfArgs: [...Buffer.from(JSON.stringify(cron.args))],
          cronSchedule: cron.schedule,
        },
      };
    });
}

const ROUTABLE_METHODS = new Set(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);

/** `http.js`: the routes of the default export (a router). */
function analyzeHttp(namespace: Record<string, unknown>): NonNullable<AnalyzedModule["httpRoutes"]> {
  const router = defaultExport(namespace, "`convex/http.js`");
  if (router.isRouter !== true || typeof router.getRoutes !== "function") {
    throw new PushError("InvalidModules", "The default export of `convex/http.js` is not a Router.");
  }
  const routes = router.getRoutes.call(router) as unknown;
  if (!Array.isArray(routes))
    throw new PushError("InvalidModules", "`getRoutes()` of the Router did not return an array.");
  return routes.map((entry: unknown) => {
    const [routePath, method] = Array.isArray(entry) ? (entry as unknown[]) : [];
    if (typeof routePath !== "string" || typeof method !== "string" || !ROUTABLE_METHODS.has(method)) {
      throw new PushError("InvalidModules", `\`getRoutes()\` returned an invalid route: ${JSON.stringify(entry)}`);
    }
    return { route: { path: routePath, method }, pos: null };
  });
}

function analyzedModule(modulePath: string, namespace: Record<string, unknown>): AnalyzedModule {
  return {
    functions: analyzeFunctions(modulePath, namespace),
    httpRoutes: modulePath === "http.js" ? analyzeHttp(namespace) : null,
    cronSpecs: modulePath === "crons.js" ? analyzeCrons(namespace) : null,
    sourceMapped: null,
  };
}

const EMPTY_MODULE: AnalyzedModule = { functions: [], httpRoutes: null, cronSpecs: null, sourceMapped: null };

async function withLogs<T>(logs: string[], what: string, run: () => Promise<T>, code = "InvalidModules"): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PushError) throw error;
    const tail = logs.length > 0 ? `\n\n${logs.slice(-100).join("\n")}` : "";
    throw new PushError(code, `${what}: ${describeError(error)}${tail}`);
  }
}

/** Analyzes the function modules of one component, the way `analyze_modules` does. */
async function analyzeComponentFunctions(
  component: ComponentInput,
  input: AnalyzeInput,
): Promise<Record<string, AnalyzedModule>> {
  const isApp = component.definitionPath === "";
  const logs: string[] = [];
  // Component functions get no environment variables.
  const context = importPhaseContext({ env: isApp ? input.env : {}, logs, importPhase: input.importPhase });
  const isolateModules = component.functions.filter((m) => m.environment === "isolate");
  const graph = new ModuleGraph(context, new Map(isolateModules.map((m) => [canonicalModulePath(m.path), m.source])));
  const result: Record<string, AnalyzedModule> = {};
  for (const module of isolateModules) {
    const modulePath = canonicalModulePath(module.path);
    if (modulePath.startsWith("_deps/")) continue;
    if (isApp && modulePath === AUTH_CONFIG) {
      result[modulePath] = EMPTY_MODULE;
      continue;
    }
    result[modulePath] = await withLogs(logs, `Failed to analyze ${modulePath}`, async () =>
      analyzedModule(modulePath, await graph.evaluate(modulePath)),
    );
  }
  Object.assign(result, await analyzeNodeModules(component.functions.filter((m) => m.environment === "node")));
  return result;
}

/** "use node" modules: written to a scratch folder and imported in this Node, as a Node executor would. */
async function analyzeNodeModules(modules: ModuleConfig[]): Promise<Record<string, AnalyzedModule>> {
  if (modules.length === 0) return {};
  const dir = mkdtempSync(path.join(tmpdir(), "convex-push-node-"));
  try {
    writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }');
    for (const module of modules) {
      const file = path.join(dir, canonicalModulePath(module.path));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, module.source);
    }
    const result: Record<string, AnalyzedModule> = {};
    for (const module of modules) {
      const modulePath = canonicalModulePath(module.path);
      if (modulePath.startsWith("_deps/")) continue;
      result[modulePath] = await withLogs([], `Failed to analyze ${modulePath}`, async () => {
        const namespace = (await import(pathToFileURL(path.join(dir, modulePath)).href)) as Record<string, unknown>;
        return analyzedModule(modulePath, namespace);
      });
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const DEFAULT_APP_DEFINITION: DefinitionMetadata = {
  path: "",
  definitionType: { type: "app" },
  childComponents: [],
  httpMounts: {},
  exports: { type: "branch", branch: [] },
  envVars: [],
};

/** The metadata the backend keeps of a definition's `.export()` (its serialized form). */
function definitionMetadata(definitionPath: string, exported: Record<string, unknown>): DefinitionMetadata {
  const type = exported.definitionType as { type?: string; name?: string } | undefined;
  const exports = exported.exports as DefinitionMetadata["exports"] | undefined;
  if (!type || !Array.isArray(exported.childComponents) || !exports) {
    throw new PushError(
      "InvalidConvexConfig",
      `The definition ${JSON.stringify(definitionPath)} exported an invalid value.`,
    );
  }
  return {
    path: definitionPath,
    definitionType:
      type.type === "app" ? { type: "app" } : { type: "childComponent", name: String(type.name), args: [] },
    ...(typeof exported.httpPrefix === "string" ? { httpPrefix: exported.httpPrefix } : {}),
    childComponents: (exported.childComponents as Array<Record<string, unknown>>).map((child) => ({
      name: String(child.name),
      path: String(child.path),
      args: child.args ?? null,
      env: child.env ?? null,
    })),
    httpMounts: (exported.httpMounts as Record<string, string> | undefined) ?? {},
    exports,
    envVars: (exported.envVars as EnvVarDeclaration[] | undefined) ?? [],
  };
}

/** The module the backend serves for `import x from "./_componentDeps/<path>"` in a definition. */
function componentDepsModule(definition: DefinitionMetadata): string {
  if (definition.definitionType.type !== "childComponent") {
    throw new PushError("InvalidConvexConfig", "App should not be imported while evaluating app definition");
  }
  return `export default { export: () => { return ${JSON.stringify(definition)} }, componentDefinitionPath: ${JSON.stringify(
    definition.path,
  )}, defaultName: ${JSON.stringify(definition.definitionType.name)} }`;
}

async function evaluateDefinition(
  component: ComponentInput,
  evaluated: Map<string, DefinitionMetadata>,
  input: AnalyzeInput,
): Promise<DefinitionMetadata> {
  const definitionPath = component.definitionPath;
  if (component.definition === null) {
    if (definitionPath !== "")
      throw new PushError("InvalidConvexConfig", `No convex.config.js for component ${definitionPath}.`);
    return DEFAULT_APP_DEFINITION;
  }
  const logs: string[] = [];
  const isApp = definitionPath === "";
  const context = importPhaseContext({ env: isApp ? input.env : "forbidden", logs, importPhase: input.importPhase });
  const synthetic = new Map<string, string>();
  for (const [depPath, metadata] of evaluated) {
    if (depPath !== "")
      synthetic.set(`${COMPONENT_DEPS}${Buffer.from(depPath).toString("base64url")}`, componentDepsModule(metadata));
  }
  const graph = new ModuleGraph(context, new Map([["convex.config.js", component.definition.source]]), synthetic);
  const where = isApp ? "your app" : `component ${JSON.stringify(definitionPath)}`;
  return await withLogs(
    logs,
    `Failed to evaluate convex.config.js of ${where}`,
    async () => {
      const namespace = await graph.evaluate("convex.config.js");
      if (Object.keys(namespace).length !== 1)
        throw new PushError("InvalidConvexConfig", "`convex.config.ts` has more than one export");
      const definition = defaultExport(namespace, "`convex.config.ts`");
      if (typeof definition.export !== "function") {
        throw new PushError(
          "InvalidConvexConfig",
          "The default export of `convex.config.ts` has no `export` function.",
        );
      }
      return definitionMetadata(definitionPath, definition.export.call(definition) as Record<string, unknown>);
    },
    "InvalidConvexConfig",
  );
}

/** Every definition, dependencies first (the backend's post-order walk from the app). */
async function evaluateDefinitions(input: AnalyzeInput): Promise<Map<string, DefinitionMetadata>> {
  const byPath = new Map(input.components.map((c) => [c.definitionPath, c]));
  const evaluated = new Map<string, DefinitionMetadata>();
  const inProgress = new Set<string>();
  const visit = async (definitionPath: string): Promise<void> => {
    if (evaluated.has(definitionPath)) return;
    if (inProgress.has(definitionPath))
      throw new PushError("InvalidConvexConfig", "Found cyclic definition dependency");
    const component = byPath.get(definitionPath);
    if (!component)
      throw new PushError("InvalidConvexConfig", `Component definition not found: ${JSON.stringify(definitionPath)}`);
    inProgress.add(definitionPath);
    for (const dependency of component.dependencies) await visit(dependency);
    evaluated.set(definitionPath, await evaluateDefinition(component, evaluated, input));
    inProgress.delete(definitionPath);
  };
  await visit("");
  return evaluated;
}

async function evaluateSchema(schema: ModuleConfig, input: AnalyzeInput): Promise<AnalyzedSchema> {
  const logs: string[] = [];
  const context = importPhaseContext({ env: {}, logs, importPhase: input.importPhase });
  const graph = new ModuleGraph(context, new Map([["schema.js", schema.source]]));
  return await withLogs(
    logs,
    "Failed to evaluate the schema",
    async () => {
      const definition = defaultExport(await graph.evaluate("schema.js"), "`convex/schema.ts`");
      if (typeof definition.export !== "function")
        throw new PushError("InvalidSchema", "The default export of schema.ts is not a schema.");
      return JSON.parse(String(definition.export.call(definition))) as AnalyzedSchema;
    },
    "InvalidSchema",
  );
}

/** The providers of the app's `auth.config.js`, read with the deployment's variables. */
async function evaluateAuth(app: ComponentInput, input: AnalyzeInput): Promise<unknown[]> {
  const module = app.functions.find((m) => canonicalModulePath(m.path) === AUTH_CONFIG);
  if (!module) return [];
  const logs: string[] = [];
  const context = importPhaseContext({ env: input.env, logs, importPhase: input.importPhase });
  const graph = new ModuleGraph(context, new Map([[AUTH_CONFIG, module.source]]));
  return await withLogs(
    logs,
    "Failed to evaluate auth.config.js",
    async () => {
      const providers = defaultExport(await graph.evaluate(AUTH_CONFIG), "`convex/auth.config.ts`").providers;
      if (!Array.isArray(providers))
        throw new PushError("InvalidAuthConfig", "auth.config.ts must export `providers`, an array.");
      return JSON.parse(JSON.stringify(providers)) as unknown[];
    },
    "InvalidAuthConfig",
  );
}

/** Everything `start_push` derives from the pushed code. */
export async function analyzePush(input: AnalyzeInput): Promise<AnalyzeResult> {
  const app = input.components.find((c) => c.definitionPath === "");
  if (!app) throw new PushError("InvalidPush", "The push has no app definition.");
  const definitions = await evaluateDefinitions(input);
  const result: AnalyzeResult = {
    definitions: {},
    schemas: {},
    functions: {},
    appAuth: await evaluateAuth(app, input),
  };
  for (const component of input.components) {
    if (!definitions.has(component.definitionPath)) continue; // not used by the app
    result.definitions[component.definitionPath] = definitions.get(component.definitionPath)!;
    result.schemas[component.definitionPath] = component.schema ? await evaluateSchema(component.schema, input) : null;
    result.functions[component.definitionPath] = await analyzeComponentFunctions(component, input);
  }
  return result;
}

/**
 * Runs `analyzePush` in a child process of this file (vm modules need the
 * `--experimental-vm-modules` flag). Its environment holds the deployment's
 * variables and PATH only, since "use node" modules read `process.env`.
 */
export async function analyzeInChildProcess(input: AnalyzeInput): Promise<AnalyzeOutput> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name !== "PATH") delete env[name];
  const child = spawn(
    process.execPath,
    ["--experimental-vm-modules", "--no-warnings", "--import", tsx, fileURLToPath(import.meta.url)],
    {
      env: Object.assign(env, input.env),
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  child.stdin.end(JSON.stringify(input));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  try {
    return JSON.parse(Buffer.concat(stdout).toString("utf8")) as AnalyzeOutput;
  } catch {
    throw new Error(`The analyzer exited with ${exitCode}: ${Buffer.concat(stderr).toString("utf8")}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function main(): Promise<void> {
  const input = JSON.parse(await readStdin()) as AnalyzeInput;
  let output: AnalyzeOutput;
  try {
    output = { ok: true, result: await analyzePush(input) };
  } catch (error) {
    output =
      error instanceof PushError
        ? { ok: false, code: error.code, message: error.message }
        : {
            ok: false,
            code: "StandinError",
            message: error instanceof Error ? (error.stack ?? error.message) : String(error),
          };
  }
  // Exit once written: analyzed "use node" modules may leave handles open.
  process.stdout.write(JSON.stringify(output), () => process.exit(0));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
