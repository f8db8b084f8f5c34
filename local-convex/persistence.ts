/**
 * Keeps all of the backend's data in one JSON file (default
 * `.local/convex-data.json`): every component's documents with their ids
 * (including `_scheduled_functions`), id counters, the last commit
 * timestamp, and whatever the server adds (recent mutation results).
 *
 * Saves are debounced after commits (at most `maxDelayMs` after the first
 * unsaved one) and atomic: the file is written to a temporary name and
 * renamed over the old one, so a crash leaves the previous or the new
 * version, never half of one. A save takes its snapshot at one instant
 * (references to the documents, which are replaced, never mutated, on
 * write), then streams it to disk in slices, so even a big database never
 * holds up requests for long; each document's JSON is cached, so a save
 * re-serializes only what changed.
 *
 * File layout (one document per line, so it can be read and diffed):
 *   {"format":"local-convex-data","version":1,"lastCommitTs":"…","components":{
 *   "":{"nextDocId":…,"lastCreationTime":…,"schemaFingerprint":"…","tables":{
 *   "generationJobs":[
 *   {…},
 *   …]}}},"extra":{…}}
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { convexToJson, jsonToConvex, type JSONValue } from "convex/values";
import type { Doc } from "./engine/convexTestInternals";
import type { ComponentState, Engine } from "./engine/engine";
import { log } from "./log";

const FORMAT = "local-convex-data";
const VERSION = 1;

/** What one save writes, taken at one instant. */
type Snapshot = {
  lastCommitTs: bigint;
  components: Array<{
    path: string;
    nextDocId: number;
    lastCreationTime: number;
    schemaFingerprint: string;
    tables: Array<[string, Doc[]]>;
  }>;
  extra: Record<string, JSONValue>;
};

/** Documents serialized between two yields to the event loop. */
const SLICE = 2000;

type FileContents = {
  format: string;
  version: number;
  lastCommitTs: string;
  components: Record<
    string,
    { nextDocId: number; lastCreationTime: number; schemaFingerprint?: string; tables: Record<string, JSONValue[]> }
  >;
  extra?: Record<string, JSONValue>;
};

export type DataFileOptions = {
  file: string;
  engine: Engine;
  /** Sections the server stores besides the documents (returned by `load`). */
  extra?: () => Record<string, JSONValue>;
  /** False while a consistent snapshot cannot be taken; the save waits (at most `maxDeferMs`). */
  canSaveNow?: () => boolean;
  debounceMs?: number;
  maxDelayMs?: number;
  maxDeferMs?: number;
};

export class DataFile {
  readonly file: string;
  private readonly engine: Engine;
  private readonly json = new WeakMap<Doc, string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private firstUnsavedAt: number | null = null;
  private deferredSince: number | null = null;
  private saving: Promise<void> | null = null;
  private dirtyDuringSave = false;
  /** How long the last save took, to space saves out on big data. */
  private lastSaveMs = 0;

  constructor(private readonly options: DataFileOptions) {
    this.file = path.resolve(options.file);
    this.engine = options.engine;
  }

  /**
   * Restores the engine from the file. Returns the stored `extra` sections,
   * or null when there is no file yet. Throws if the file cannot be read.
   */
  load(): { extra: Record<string, JSONValue>; documents: number; warnings: string[] } | null {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    let contents: FileContents;
    try {
      contents = JSON.parse(text) as FileContents;
      if (contents.format !== FORMAT || contents.version !== VERSION) throw new Error(`not a ${FORMAT} v${VERSION} file`);
    } catch (error) {
      throw new Error(
        `Cannot read the data file ${this.file}: ${(error as Error).message}. Move it away to start with an empty database.`,
      );
    }
    let documents = 0;
    const components: ComponentState[] = Object.entries(contents.components).map(([componentPath, component]) => {
      const docs = Object.values(component.tables).flatMap((rows) =>
        rows.map((row) => {
          const doc = jsonToConvex(row) as Doc;
          this.json.set(doc, JSON.stringify(row)); // what the next save writes for it
          return doc;
        }),
      );
      documents += docs.length;
      return {
        path: componentPath,
        nextDocId: component.nextDocId,
        lastCreationTime: component.lastCreationTime,
        schemaFingerprint: component.schemaFingerprint ?? null,
        documents: docs,
      };
    });
    const warnings = this.engine.restore(BigInt(contents.lastCommitTs), components);
    return { extra: contents.extra ?? {}, documents, warnings };
  }

  /** Notes that data changed: a save follows soon. */
  scheduleSave(): void {
    if (this.saving) {
      this.dirtyDuringSave = true;
      return;
    }
    const now = Date.now();
    this.firstUnsavedAt ??= now;
    const { debounceMs = 100, maxDelayMs = 1000 } = this.options;
    // On big data, saves are spaced out so saving takes at most ~20% of the time.
    const spacing = Math.max(debounceMs, this.lastSaveMs * 5);
    const at = Math.min(now + spacing, this.firstUnsavedAt + Math.max(maxDelayMs, spacing));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.save(), Math.max(0, at - now));
  }

  /** Saves now if anything is unsaved (and waits for a save in progress). */
  async flush(): Promise<void> {
    if (this.saving) await this.saving;
    if (this.timer || this.dirtyDuringSave) await this.save(true);
  }

  private async save(force = false): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!force && this.options.canSaveNow && !this.options.canSaveNow()) {
      this.deferredSince ??= Date.now();
      if (Date.now() - this.deferredSince < (this.options.maxDeferMs ?? 2000)) {
        this.timer = setTimeout(() => void this.save(), 10);
        return;
      }
    }
    this.deferredSince = null;
    this.firstUnsavedAt = null;
    this.dirtyDuringSave = false;
    const snapshot = this.snapshot();
    const started = performance.now();
    this.saving = this.write(snapshot);
    try {
      await this.saving;
    } finally {
      this.saving = null;
      this.lastSaveMs = performance.now() - started;
    }
    if (this.dirtyDuringSave) this.scheduleSave();
  }

  /** Writes `snapshot` to a temporary file, then renames it over the data file. */
  private async write(snapshot: Snapshot): Promise<void> {
    const temporary = `${this.file}.tmp-${process.pid}`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const handle = await open(temporary, "w");
      try {
        for (const chunk of this.render(snapshot)) await handle.write(chunk);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.file);
    } catch (error) {
      log.error(`Could not save ${this.file}`, error);
      await rm(temporary, { force: true });
    }
  }

  /** The committed state, now. */
  private snapshot(): Snapshot {
    return {
      lastCommitTs: this.engine.lastCommitTs,
      components: this.engine.componentPaths().map((componentPath) => ({
        path: componentPath,
        ...this.engine.counters(componentPath),
        schemaFingerprint: this.engine.schemaFingerprint(componentPath),
        tables: [...this.engine.tables(componentPath)].map(([table, docs]): [string, Doc[]] => [table, [...docs.values()]]),
      })),
      extra: this.options.extra?.() ?? {},
    };
  }

  /** The file's text for `snapshot`, in slices of about `SLICE` documents. */
  private *render(snapshot: Snapshot): Generator<string> {
    let parts: string[] = [`{"format":"${FORMAT}","version":${VERSION},"lastCommitTs":"${snapshot.lastCommitTs}","components":{`];
    for (const [c, component] of snapshot.components.entries()) {
      const { nextDocId, lastCreationTime, schemaFingerprint } = component;
      parts.push(
        `${c > 0 ? ",\n" : "\n"}${JSON.stringify(component.path)}:{"nextDocId":${nextDocId},"lastCreationTime":${lastCreationTime},` +
          `"schemaFingerprint":"${schemaFingerprint}","tables":{`,
      );
      const tables = component.tables.filter(([, docs]) => docs.length > 0);
      for (const [t, [table, docs]] of tables.entries()) {
        parts.push(`${t > 0 ? "," : ""}\n${JSON.stringify(table)}:[`);
        for (const [d, doc] of docs.entries()) {
          parts.push(`${d > 0 ? "," : ""}\n${this.docJson(doc)}`);
          if (parts.length >= SLICE) {
            yield parts.join("");
            parts = [];
          }
        }
        parts.push("]");
      }
      parts.push("}}");
    }
    parts.push(`},\n"extra":${JSON.stringify(snapshot.extra)}}\n`);
    yield parts.join("");
  }

  private docJson(doc: Doc): string {
    let text = this.json.get(doc);
    if (text === undefined) {
      text = JSON.stringify(convexToJson(doc));
      this.json.set(doc, text);
    }
    return text;
  }
}

/**
 * Claims a data file for this process (`<file>.lock` holds its pid), so two
 * backends never overwrite each other's data. Throws if a live process holds
 * it; takes over the lock of one that is gone. Returns the release.
 */
export function lockDataFile(file: string): () => void {
  const lockFile = `${path.resolve(file)}.lock`;
  mkdirSync(path.dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number(readFileSync(lockFile, "utf8"));
    if (holder !== process.pid && isAlive(holder)) {
      throw new Error(`Another local-convex (pid ${holder}) is using ${path.resolve(file)}. Stop it, or choose another data file with --data.`);
    }
    rmSync(lockFile, { force: true }); // left by a process that is gone
  }
  throw new Error(`Could not lock ${file}`);
}

/** Whether a process with this pid exists. */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
