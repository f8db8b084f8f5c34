/**
 * Keeps all of the backend's data in one JSON file (default
 * `.local/convex-data.json`): every component's documents with their ids
 * (including `_scheduled_functions`), id counters, the last commit
 * timestamp, and whatever the server adds (recent mutation results).
 *
 * Saves are debounced after commits (at most `maxDelayMs` after the first
 * unsaved one) and atomic: the file is written to a temporary name and
 * renamed over the old one, so a crash leaves the previous or the new
 * version, never half of one. Each document's JSON is cached (documents are
 * replaced, never mutated, on write), so a save re-serializes only what changed.
 *
 * File layout (one document per line, so it can be read and diffed):
 *   {"format":"local-convex-data","version":1,"lastCommitTs":"…","components":{
 *   "":{"nextDocId":…,"lastCreationTime":…,"tables":{
 *   "generationJobs":[
 *   {…},
 *   …]}}},"extra":{…}}
 */
import { mkdirSync, readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { convexToJson, jsonToConvex, type JSONValue } from "convex/values";
import type { Doc } from "./engine/convexTestInternals";
import type { ComponentState, Engine } from "./engine/engine";
import { log } from "./log";

const FORMAT = "local-convex-data";
const VERSION = 1;

type FileContents = {
  format: string;
  version: number;
  lastCommitTs: string;
  components: Record<string, { nextDocId: number; lastCreationTime: number; tables: Record<string, JSONValue[]> }>;
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
  /** The synchronous part of the last save (serializing), to space saves out on big data. */
  private lastSerializeMs = 0;

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
      const docs = Object.values(component.tables).flatMap((rows) => rows.map((row) => jsonToConvex(row) as Doc));
      documents += docs.length;
      return { path: componentPath, nextDocId: component.nextDocId, lastCreationTime: component.lastCreationTime, documents: docs };
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
    // On big data, saving is spaced out so serializing never takes more than ~10% of the time.
    const spacing = Math.max(debounceMs, this.lastSerializeMs * 10);
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
    const started = performance.now();
    const text = this.serialize();
    this.lastSerializeMs = performance.now() - started;
    this.saving = this.write(text);
    try {
      await this.saving;
    } finally {
      this.saving = null;
    }
    if (this.dirtyDuringSave) this.scheduleSave();
  }

  private async write(text: string): Promise<void> {
    const temporary = `${this.file}.tmp-${process.pid}`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      await writeFile(temporary, text);
      await rename(temporary, this.file);
    } catch (error) {
      log.error(`Could not save ${this.file}`, error);
    }
  }

  /** The whole file's text, from the current committed state. */
  private serialize(): string {
    const parts: string[] = [
      `{"format":"${FORMAT}","version":${VERSION},"lastCommitTs":"${this.engine.lastCommitTs}","components":{`,
    ];
    this.engine.componentPaths().forEach((componentPath, c) => {
      const { nextDocId, lastCreationTime } = this.engine.counters(componentPath);
      parts.push(`${c > 0 ? ",\n" : "\n"}${JSON.stringify(componentPath)}:{"nextDocId":${nextDocId},"lastCreationTime":${lastCreationTime},"tables":{`);
      let t = 0;
      for (const [table, docs] of this.engine.tables(componentPath)) {
        if (docs.size === 0) continue;
        parts.push(`${t++ > 0 ? "," : ""}\n${JSON.stringify(table)}:[`);
        let d = 0;
        for (const doc of docs.values()) parts.push(`${d++ > 0 ? "," : ""}\n${this.docJson(doc)}`);
        parts.push("]");
      }
      parts.push("}}");
    });
    parts.push(`},\n"extra":${JSON.stringify(this.options.extra?.() ?? {})}}\n`);
    return parts.join("");
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
