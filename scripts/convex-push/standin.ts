/**
 * A local stand-in for a Convex deployment's push API: an HTTP server that
 * answers every request `npx convex deploy` and `npx convex dev --once` make
 * when pointed at it with
 *
 *   CONVEX_SELF_HOSTED_URL=http://127.0.0.1:PORT CONVEX_SELF_HOSTED_ADMIN_KEY=<anything>
 *
 * so that a real push (bundling, the server's analysis, code generation, the
 * CLI's own TypeScript check) runs offline. It records every request (brotli
 * bodies decoded) and answers with what a fresh self-hosted backend would:
 *
 * - `get_config_hashes`: what was deployed by an earlier push to it (nothing at first);
 * - `deploy2/evaluate_schema` and `evaluate_push`: the schema change, for a
 *   deployment that holds no documents;
 * - `deploy2/start_push`: the analysis of the pushed bundle (`analyze.ts`:
 *   every module's functions with visibility, type and validators, cron specs,
 *   HTTP routes, each definition's metadata with its `envVars`, the schemas,
 *   the app's auth providers), the component tree and the index changes;
 * - `deploy2/wait_for_schema`: complete (there is nothing to backfill);
 * - `deploy2/finish_push`: the diffs, and the push becomes the deployed state;
 * - `deploy2/report_push_completed`: acknowledged;
 * - `GET /api/v1/get_canonical_urls` (`dev` writes them to .env.local): its own URL;
 * - `GET /api/stream_function_logs` (`dev` follows the logs): held, then empty.
 *
 * Anything else is answered 404 and recorded in `unknownRequests`. Nothing runs:
 * no function is executed, no data is stored, no schema is checked against
 * documents. Shapes follow the CLI's validators (`convex/src/cli/lib/deployApi/`).
 *
 *   tsx scripts/convex-push/standin.ts [--port 3220] [--env NAME=value]...
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import zlib from "node:zlib";
import {
  analyzeInChildProcess,
  type AnalyzedModule,
  type AnalyzedSchema,
  type AnalyzeInput,
  type AnalyzeResult,
  type ComponentExport,
  type ComponentInput,
  type DefinitionMetadata,
  type ModuleConfig,
} from "./analyze";

/** How long a log poll is held before its empty answer (the backend long-polls too). */
const LOG_POLL_MS = 30_000;

export type RecordedRequest = {
  method: string;
  /** e.g. `/api/deploy2/start_push`. */
  path: string;
  /** `br` for the big push requests. */
  contentEncoding: string | null;
  /** Bytes on the wire, and after decoding. */
  wireBytes: number;
  bodyBytes: number;
  /** The JSON body (null when it was not JSON). */
  body: unknown;
  status: number;
  response: unknown;
};

export type StandinOptions = {
  /** Default 0: any free port. */
  port?: number;
  /** The deployment's environment variables (`npx convex env set`). */
  env?: Record<string, string>;
  /** Called after each request is answered. */
  onRequest?: (request: RecordedRequest) => void;
};

export type Standin = {
  url: string;
  /** Every request answered so far, in order. */
  requests: RecordedRequest[];
  /** Requests to endpoints the stand-in does not know (a CLI change to look at). */
  unknownRequests(): RecordedRequest[];
  close(): Promise<void>;
};

type StartPushRequest = {
  dryRun: boolean;
  functions: string;
  appDefinition: {
    definition: ModuleConfig | null;
    dependencies: string[];
    schema: ModuleConfig | null;
    changedModules: ModuleConfig[];
    unchangedModuleHashes: Array<{ path: string; environment: string; sha256: string }>;
    udfServerVersion: string;
  };
  componentDefinitions: Array<{
    definitionPath: string;
    definition: ModuleConfig;
    dependencies: string[];
    schema: ModuleConfig | null;
    functions: ModuleConfig[];
    udfServerVersion: string;
  }>;
  nodeDependencies: Array<{ name: string; version: string }>;
  nodeVersion?: string;
};

type IndexConfig = { name: string; staged?: boolean } & (
  | { type: "database"; fields: string[] }
  | { type: "search"; searchField: string; filterFields: string[] }
  | { type: "vector"; dimensions: number; vectorField: string; filterFields: string[] }
);

/** One component of the tree, as the backend instantiates it from the app. */
type MountedComponent = {
  componentPath: string;
  definitionPath: string;
  modules: Record<string, AnalyzedModule>;
  schema: AnalyzedSchema | null;
  udfServerVersion: string;
};

/** What a finished push leaves on the deployment. */
type Deployed = {
  functions: string;
  appModules: ModuleConfig[];
  nodeDependencies: StartPushRequest["nodeDependencies"];
  udfServerVersion: string;
  appAuth: unknown[];
  definitionPaths: Set<string>;
  components: Map<string, MountedComponent>;
};

type PendingPush = {
  request: StartPushRequest;
  appModules: ModuleConfig[];
  appAuth: unknown[];
  components: Map<string, MountedComponent>;
};

class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const brotliDecompress = promisify(zlib.brotliDecompress);
const gunzip = promisify(zlib.gunzip);

/** The hash the CLI compares module bundles by (`hash()` in the CLI's components.ts). */
function moduleHash(module: Pick<ModuleConfig, "source" | "sourceMap">): string {
  return createHash("sha256")
    .update(module.source)
    .update(module.sourceMap ?? "")
    .digest("hex");
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A component's exports: its public functions by file path (the backend's `file_based_exports`). */
function fileBasedExports(modules: Record<string, AnalyzedModule>): Array<[string, ComponentExport]> {
  type Tree = Map<string, Tree | string>;
  const root: Tree = new Map();
  for (const modulePath of Object.keys(modules).sort(compareStrings)) {
    const identifiers = modulePath.replace(/\.js$/, "").split("/");
    for (const fn of modules[modulePath]!.functions) {
      if (fn.visibility?.kind !== "public") continue;
      let node = root;
      for (const identifier of identifiers) {
        const next = node.get(identifier) ?? new Map<string, Tree | string>();
        if (typeof next === "string")
          throw new RequestError(
            400,
            "InvalidExport",
            `Path ${modulePath}:${fn.name} conflicts with an existing export`,
          );
        node.set(identifier, next);
        node = next;
      }
      if (node.has(fn.name))
        throw new RequestError(400, "InvalidExport", `Path ${modulePath}:${fn.name} conflicts with an existing export`);
      node.set(fn.name, `_reference/function/${modulePath.replace(/\.js$/, "")}:${fn.name}`);
    }
  }
  const serialize = (tree: Tree): Array<[string, ComponentExport]> =>
    [...tree.keys()].sort(compareStrings).map((key) => {
      const value = tree.get(key)!;
      return [
        key,
        typeof value === "string" ? { type: "leaf", leaf: value } : { type: "branch", branch: serialize(value) },
      ];
    });
  return serialize(root);
}

/** The checked exports of a mounted component (the CLI's `checkedExport`). */
function checkedExports(exports: Array<[string, ComponentExport]>, componentPath: string): Record<string, unknown> {
  const checked: Record<string, unknown> = {};
  for (const [name, node] of exports) {
    checked[name] =
      node.type === "branch"
        ? { type: "branch", children: checkedExports(node.branch, componentPath) }
        : {
            type: "leaf",
            resource: {
              type: "function",
              path: { component: componentPath, udfPath: node.leaf.replace("_reference/function/", "") },
            },
          };
  }
  return checked;
}

function indexesOf(schema: AnalyzedSchema | null): IndexConfig[] {
  const indexes: IndexConfig[] = [];
  for (const table of schema?.tables ?? []) {
    const name = (descriptor: string) => `${table.tableName}.${descriptor}`;
    for (const index of table.indexes)
      indexes.push({ name: name(index.indexDescriptor), type: "database", fields: index.fields });
    for (const index of table.stagedDbIndexes ?? [])
      indexes.push({ name: name(index.indexDescriptor), type: "database", fields: index.fields, staged: true });
    for (const index of table.searchIndexes ?? []) {
      indexes.push({
        name: name(index.indexDescriptor),
        type: "search",
        searchField: index.searchField,
        filterFields: index.filterFields,
      });
    }
    for (const index of table.vectorIndexes ?? []) {
      indexes.push({
        name: name(index.indexDescriptor),
        type: "vector",
        dimensions: index.dimensions,
        vectorField: index.vectorField,
        filterFields: index.filterFields,
      });
    }
  }
  return indexes;
}

function indexDiff(before: AnalyzedSchema | null, after: AnalyzedSchema | null) {
  const key = (index: IndexConfig) => JSON.stringify(index);
  const old = new Map(indexesOf(before).map((i) => [key(i), i]));
  const next = new Map(indexesOf(after).map((i) => [key(i), i]));
  return {
    added_indexes: [...next].filter(([k]) => !old.has(k)).map(([, i]) => i),
    removed_indexes: [...old].filter(([k]) => !next.has(k)).map(([, i]) => i),
    enabled_indexes: [],
    disabled_indexes: [],
  };
}

/** Int64 as Convex JSON (`{ $integer: base64 of 8 little-endian bytes }`). */
function convexInt64(value: bigint): { $integer: string } {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64LE(value);
  return { $integer: bytes.toString("base64") };
}

/** Starts the stand-in; resolves once it listens on 127.0.0.1. */
export async function startStandin(options: StandinOptions = {}): Promise<Standin> {
  const env = { ...options.env };
  const requests: RecordedRequest[] = [];
  const pending = new Map<string, PendingPush>();
  let deployed: Deployed | null = null;
  let lastAnalysis: { key: string; result: Promise<AnalyzeResult> } | null = null;
  let baseUrl = "";
  const closing = new AbortController();

  /** The app's modules: those sent, and the unchanged ones from the deployed state. */
  function appModules(request: StartPushRequest): ModuleConfig[] {
    const unchanged = request.appDefinition.unchangedModuleHashes.map((hash) => {
      const module = deployed?.appModules.find(
        (m) => m.path === hash.path && m.environment === hash.environment && moduleHash(m) === hash.sha256,
      );
      if (!module)
        throw new RequestError(400, "ModuleNotFound", `Unchanged module ${hash.path} is not on the deployment.`);
      return module;
    });
    return [...request.appDefinition.changedModules, ...unchanged];
  }

  function analyze(request: StartPushRequest, modules: ModuleConfig[]): Promise<AnalyzeResult> {
    const components: ComponentInput[] = [
      {
        definitionPath: "",
        definition: request.appDefinition.definition,
        dependencies: request.appDefinition.dependencies,
        schema: request.appDefinition.schema,
        functions: modules,
      },
      ...request.componentDefinitions.map((c) => ({
        definitionPath: c.definitionPath,
        definition: c.definition,
        dependencies: c.dependencies,
        schema: c.schema,
        functions: c.functions,
      })),
    ];
    const input: AnalyzeInput = {
      components,
      env,
      importPhase: { unixTimestampMs: Date.now(), seed: randomBytes(4).readUInt32LE() },
    };
    // evaluate_schema and start_push carry the same bundle: analyze it once.
    const key = createHash("sha256")
      .update(JSON.stringify([components, env]))
      .digest("hex");
    if (lastAnalysis?.key !== key) {
      lastAnalysis = {
        key,
        result: analyzeInChildProcess(input).then((output) => {
          if (!output.ok) throw new RequestError(400, output.code, output.message);
          return output.result;
        }),
      };
    }
    return lastAnalysis.result;
  }

  /** The component tree the app instantiates, by component path. */
  function mount(request: StartPushRequest, result: AnalyzeResult): Map<string, MountedComponent> {
    const versions = new Map(request.componentDefinitions.map((c) => [c.definitionPath, c.udfServerVersion]));
    const mounted = new Map<string, MountedComponent>();
    const visit = (definitionPath: string, componentPath: string) => {
      const definition = result.definitions[definitionPath];
      if (!definition)
        throw new RequestError(
          400,
          "TypecheckError",
          `Component definition not found: ${JSON.stringify(definitionPath)}`,
        );
      mounted.set(componentPath, {
        componentPath,
        definitionPath,
        modules: result.functions[definitionPath] ?? {},
        schema: result.schemas[definitionPath] ?? null,
        udfServerVersion: versions.get(definitionPath) ?? request.appDefinition.udfServerVersion,
      });
      for (const child of definition.childComponents)
        visit(child.path, componentPath === "" ? child.name : `${componentPath}/${child.name}`);
    };
    visit("", "");
    return mounted;
  }

  function checkedComponent(
    result: AnalyzeResult,
    components: Map<string, MountedComponent>,
    componentPath: string,
  ): unknown {
    const component = components.get(componentPath)!;
    const definition = result.definitions[component.definitionPath]!;
    const childComponents: Record<string, unknown> = {};
    for (const child of definition.childComponents) {
      childComponents[child.name] = checkedComponent(
        result,
        components,
        componentPath === "" ? child.name : `${componentPath}/${child.name}`,
      );
    }
    const routes = component.modules["http.js"]?.httpRoutes;
    return {
      definitionPath: component.definitionPath,
      componentPath,
      args: {},
      childComponents,
      httpRoutes: {
        httpModuleRoutes: routes ? routes.map((r) => r.route) : null,
        mounts: Object.keys(definition.httpMounts),
      },
      exports: checkedExports(fileBasedExports(component.modules), componentPath),
    };
  }

  function schemaChange(components: Map<string, MountedComponent>, pushId: string | null) {
    const indexDiffs: Record<string, ReturnType<typeof indexDiff>> = {};
    const allocatedComponentIds: Record<string, string> = {};
    const schemaIds: Record<string, string> = {};
    for (const [componentPath, component] of components) {
      indexDiffs[componentPath] = indexDiff(deployed?.components.get(componentPath)?.schema ?? null, component.schema);
      if (!deployed?.components.has(componentPath)) allocatedComponentIds[componentPath] = randomUUID();
      if (component.schema) schemaIds[componentPath] = randomUUID();
    }
    // `standinPushId` lets finish_push find its start_push (the CLI passes unknown fields through).
    return { allocatedComponentIds, schemaIds, indexDiffs, ...(pushId ? { standinPushId: pushId } : {}) };
  }

  async function evaluateSchema(request: StartPushRequest) {
    const result = await analyze(request, appModules(request));
    const components = mount(request, result);
    const componentSchemaEvaluations: Record<string, unknown> = {};
    for (const [componentPath, component] of components) {
      const before = deployed?.components.get(componentPath)?.schema ?? null;
      const oldIndexes = new Set(indexesOf(before).map((i) => JSON.stringify(i)));
      const newIndexes = indexesOf(component.schema);
      const kept = new Set(newIndexes.map((i) => JSON.stringify(i)));
      componentSchemaEvaluations[componentPath] = {
        definitionPath: component.definitionPath,
        schemaValidation: component.schema?.schemaValidation ?? false,
        // The stand-in stores no documents: every table is empty.
        tables: (component.schema?.tables ?? []).map((t) => ({
          name: t.tableName,
          outcome: "supersetOfShape",
          numDocs: 0,
          sizeBytes: 0,
        })),
        indexes: [
          ...newIndexes.map((i) => ({
            ...i,
            change: oldIndexes.has(JSON.stringify(i)) ? "identical" : "added",
            needsBackfill: false,
            numDocs: 0,
          })),
          ...indexesOf(before)
            .filter((i) => !kept.has(JSON.stringify(i)))
            .map((i) => ({ ...i, change: "dropped", needsBackfill: false, numDocs: 0 })),
        ],
        discardedStagedValidators: [],
      };
    }
    const newComponentDefinitions = [...new Set([...components.values()].map((c) => c.definitionPath))].filter(
      (p) => !deployed?.definitionPaths.has(p),
    );
    return { componentSchemaEvaluations, newComponentDefinitions };
  }

  async function startPush(request: StartPushRequest) {
    const modules = appModules(request);
    const result = await analyze(request, modules);
    const components = mount(request, result);
    const pushId = randomUUID();
    pending.set(pushId, { request, appModules: modules, appAuth: result.appAuth, components });
    const analysis: Record<string, unknown> = {};
    const seed = randomBytes(32).toString("base64");
    for (const [definitionPath, definition] of Object.entries(result.definitions)) {
      const functions = result.functions[definitionPath] ?? {};
      const version =
        request.componentDefinitions.find((c) => c.definitionPath === definitionPath)?.udfServerVersion ??
        request.appDefinition.udfServerVersion;
      analysis[definitionPath] = {
        // Like the backend, only child components get their file-based exports here.
        definition:
          definitionPath === ""
            ? definition
            : ({
                ...definition,
                exports: { type: "branch", branch: fileBasedExports(functions) },
              } satisfies DefinitionMetadata),
        schema: result.schemas[definitionPath],
        functions,
        udfConfig: {
          serverVersion: version,
          importPhaseRngSeed: { $bytes: seed },
          importPhaseUnixTimestamp: convexInt64(BigInt(Date.now()) * 1_000_000n),
        },
      };
    }
    const packages: Record<string, unknown> = {};
    for (const definitionPath of Object.keys(result.definitions)) {
      const sources =
        definitionPath === ""
          ? modules
          : (request.componentDefinitions.find((c) => c.definitionPath === definitionPath)?.functions ?? []);
      packages[definitionPath] = {
        sha256: createHash("sha256").update(sources.map(moduleHash).join()).digest("hex"),
        moduleCount: sources.length,
      };
    }
    return {
      environmentVariables: env,
      externalDepsId: request.nodeDependencies.length > 0 ? randomUUID() : null,
      componentDefinitionPackages: packages,
      appAuth: result.appAuth,
      analysis,
      app: checkedComponent(result, components, ""),
      schemaChange: schemaChange(components, pushId),
    };
  }

  function finishPush(body: { startPush?: { schemaChange?: { standinPushId?: unknown } }; dryRun?: boolean }) {
    const pushId = body.startPush?.schemaChange?.standinPushId;
    const push = typeof pushId === "string" ? pending.get(pushId) : undefined;
    if (!push) throw new RequestError(400, "RaceDetected", "No start_push matches this finish_push.");
    pending.delete(pushId as string);
    const names = (m: Record<string, AnalyzedModule> | undefined) => new Set(Object.keys(m ?? {}));
    const crons = (m: Record<string, AnalyzedModule> | undefined) =>
      new Map((m?.["crons.js"]?.cronSpecs ?? []).map((c) => [c.identifier, JSON.stringify(c.spec)] as const));
    const componentDiffs: Record<string, unknown> = {};
    for (const [componentPath, component] of push.components) {
      const before = deployed?.components.get(componentPath);
      const [oldModules, newModules] = [names(before?.modules), names(component.modules)];
      const [oldCrons, newCrons] = [crons(before?.modules), crons(component.modules)];
      const [oldSchema, newSchema] = [
        before?.schema ? JSON.stringify(before.schema) : null,
        component.schema ? JSON.stringify(component.schema) : null,
      ];
      componentDiffs[componentPath] = {
        diffType: { type: before ? "modify" : "create" },
        moduleDiff: {
          added: [...newModules].filter((m) => !oldModules.has(m)),
          removed: [...oldModules].filter((m) => !newModules.has(m)),
        },
        udfConfigDiff:
          before?.udfServerVersion === component.udfServerVersion
            ? null
            : { previous_version: before?.udfServerVersion ?? "", next_version: component.udfServerVersion },
        cronDiff: {
          added: [...newCrons.keys()].filter((c) => !oldCrons.has(c)),
          updated: [...newCrons].filter(([c, spec]) => oldCrons.has(c) && oldCrons.get(c) !== spec).map(([c]) => c),
          deleted: [...oldCrons.keys()].filter((c) => !newCrons.has(c)),
        },
        indexDiff: indexDiff(before?.schema ?? null, component.schema),
        schemaDiff: oldSchema === newSchema ? null : { previous_schema: oldSchema, next_schema: newSchema },
      };
    }
    for (const componentPath of deployed?.components.keys() ?? []) {
      if (!push.components.has(componentPath)) {
        componentDiffs[componentPath] = {
          diffType: { type: "unmount" },
          moduleDiff: { added: [], removed: [] },
          udfConfigDiff: null,
          cronDiff: { added: [], updated: [], deleted: [] },
          indexDiff: { added_indexes: [], removed_indexes: [] },
          schemaDiff: null,
        };
      }
    }
    const [oldAuth, newAuth] = [
      (deployed?.appAuth ?? []).map((a) => JSON.stringify(a)),
      push.appAuth.map((a) => JSON.stringify(a)),
    ];
    const definitionPaths = new Set([...push.components.values()].map((c) => c.definitionPath));
    const diff = {
      authDiff: {
        added: newAuth.filter((a) => !oldAuth.includes(a)),
        removed: oldAuth.filter((a) => !newAuth.includes(a)),
      },
      definitionDiffs: Object.fromEntries([...definitionPaths].map((p) => [p, {}])),
      componentDiffs,
    };
    if (!body.dryRun) {
      deployed = {
        functions: push.request.functions,
        appModules: push.appModules,
        nodeDependencies: push.request.nodeDependencies,
        udfServerVersion: push.request.appDefinition.udfServerVersion,
        appAuth: push.appAuth,
        definitionPaths,
        components: push.components,
      };
    }
    return diff;
  }

  async function answer(
    method: string,
    url: string,
    query: URLSearchParams,
    body: unknown,
    res: ServerResponse,
  ): Promise<unknown> {
    // `dev` asks for the URLs to write to .env.local (one origin serves both here).
    if (method === "GET" && url === "/api/v1/get_canonical_urls")
      return { convexCloudUrl: baseUrl, convexSiteUrl: baseUrl };
    // `dev` long-polls the function logs; nothing runs here, so the answer is always empty.
    if (method === "GET" && url === "/api/stream_function_logs") {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, LOG_POLL_MS);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        res.once("close", done);
        closing.signal.addEventListener("abort", done);
      });
      return { entries: [], newCursor: Number(query.get("cursor") ?? 0) };
    }
    if (method !== "POST") throw new RequestError(404, "NotFound", `${method} ${url} is not part of the push API.`);
    switch (url) {
      case "/api/get_config_hashes":
        return {
          config: { functions: deployed?.functions ?? "convex/", authInfo: deployed?.appAuth ?? [] },
          moduleHashes: (deployed?.appModules ?? []).map((m) => ({
            path: m.path,
            hash: moduleHash(m),
            environment: m.environment,
          })),
          nodeDependencies: deployed?.nodeDependencies ?? [],
          udfServerVersion: deployed?.udfServerVersion ?? null,
        };
      case "/api/deploy2/evaluate_schema":
        return await evaluateSchema(body as StartPushRequest);
      case "/api/deploy2/evaluate_push": {
        const request = body as StartPushRequest;
        return { schemaChange: schemaChange(mount(request, await analyze(request, appModules(request))), null) };
      }
      case "/api/deploy2/start_push":
        return await startPush(body as StartPushRequest);
      case "/api/deploy2/wait_for_schema":
        return { type: "complete" };
      case "/api/deploy2/finish_push":
        return finishPush(body as Parameters<typeof finishPush>[0]);
      case "/api/deploy2/report_push_completed":
        return {};
      default:
        throw new RequestError(404, "NotFound", `${url} is not part of the push API the stand-in answers.`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const wire = Buffer.concat(chunks);
    const contentEncoding = req.headers["content-encoding"] ?? null;
    const decoded =
      contentEncoding === "br" ? await brotliDecompress(wire) : contentEncoding === "gzip" ? await gunzip(wire) : wire;
    let body: unknown = null;
    try {
      body = decoded.length > 0 ? JSON.parse(decoded.toString("utf8")) : null;
    } catch {
      body = null;
    }
    const method = req.method ?? "GET";
    const { pathname: url, searchParams } = new URL(req.url ?? "/", baseUrl);
    let status = 200;
    let response: unknown;
    try {
      response = await answer(method, url, searchParams, body, res);
    } catch (error) {
      status = error instanceof RequestError ? error.status : 500;
      response = {
        code: error instanceof RequestError ? error.code : "InternalServerError",
        message: error instanceof Error ? error.message : String(error),
      };
    }
    if (!res.destroyed) {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(response));
    }
    const recorded: RecordedRequest = {
      method,
      path: url,
      contentEncoding,
      wireBytes: wire.length,
      bodyBytes: decoded.length,
      body,
      status,
      response,
    };
    requests.push(recorded);
    options.onRequest?.(recorded);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: "InternalServerError", message: String(error) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as { port: number };
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    url: baseUrl,
    requests,
    unknownRequests: () => requests.filter((r) => r.status === 404),
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const env: Record<string, string> = {};
  let port = 3220;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--port") port = Number(args[++i]);
    else if (args[i] === "--env") {
      const [name, ...value] = (args[++i] ?? "").split("=");
      env[name!] = value.join("=");
    } else throw new Error(`Unknown argument ${args[i]}. Usage: standin.ts [--port 3220] [--env NAME=value]...`);
  }
  const standin = await startStandin({
    port,
    env,
    onRequest: (r) =>
      console.log(
        `${r.status} ${r.method} ${r.path} (${r.bodyBytes} bytes${r.contentEncoding ? `, ${r.contentEncoding} ${r.wireBytes}` : ""})`,
      ),
  });
  console.log(
    `Convex push stand-in at ${standin.url}\n  CONVEX_SELF_HOSTED_URL=${standin.url} CONVEX_SELF_HOSTED_ADMIN_KEY=standin npx convex deploy --yes`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
