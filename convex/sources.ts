/**
 * A learner's own material: storing it (begin, its chunks, finish: usable only once finished and checked
 * whole), the caller's sources, one with its sections' places, delete; and a section's text for a job.
 *
 * Tables: reads and writes `sources`, `sourceChunks`, `sourceSections`, through indexes, bounded by the
 * per-source limits (`MAX_SOURCE_CHUNKS`, `MAX_SECTIONS`); reads `generationJobs` (a source in use is not deleted).
 */
import { v } from "convex/values";
import { MAX_SECTIONS, MAX_SOURCE_CHUNKS, SOURCE_CONFIG } from "../lib/constants/sources";
import { appError } from "../lib/errors";
import { sectionSource } from "../lib/sections";
import { checkSourceText, normalizeSourceText, PAGE_BREAK, shortenName, sourceContentHash } from "../lib/sources";
import {
  vSectionPlace,
  vSourceKind,
  vSourceSummary,
  vSourceWithSections,
  type JobStatus,
  type SectionPlace,
  type SourceSummary,
} from "../lib/validators";
import { internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { internalMutation, internalQuery, type DatabaseReader, type MutationCtx } from "./_generated/server";
import { userMutation, userQuery } from "./lib/functions";

const HASH = /^[0-9a-f]{64}$/;

/**
 * Starts storing a source, or finds it stored already. With a ready source of the same text
 * (`contentHash`) the caller has it at once (`ready: true`, marked as just used); otherwise the
 * upload continues with `appendSourceChunks` and `finishSource`. Refuses a source over the limits
 * (`INVALID_ARGUMENT`) and a user at `MAX_SOURCES_PER_USER` (`SOURCE_LIMIT`). An upload not finished
 * within `SOURCE_DRAFT_TTL_MS` is deleted.
 */
export const beginSource = userMutation({
  args: {
    name: v.string(),
    kind: vSourceKind,
    contentHash: v.string(),
    charCount: v.number(),
    chunkCount: v.number(),
    pageCount: v.optional(v.number()),
  },
  returns: v.object({ sourceId: v.id("sources"), ready: v.boolean() }),
  handler: async (ctx, { name, kind, contentHash, charCount, chunkCount, pageCount }) => {
    const { userId } = ctx;
    const { MAX_SOURCE_CHARS, SOURCE_CHUNK_CHARS, MAX_SOURCES_PER_USER, SOURCE_DRAFT_TTL_MS } = SOURCE_CONFIG;
    if (!HASH.test(contentHash)) throw appError("INVALID_ARGUMENT", "The source's hash is not a SHA-256 in hex.");
    if (!Number.isInteger(charCount) || charCount < 1 || charCount > MAX_SOURCE_CHARS)
      throw appError(
        "INVALID_ARGUMENT",
        `A source holds 1 to ${MAX_SOURCE_CHARS.toLocaleString("en-US")} characters (this is ${charCount}).`,
      );
    if (
      !Number.isInteger(chunkCount) ||
      chunkCount < Math.ceil(charCount / SOURCE_CHUNK_CHARS) ||
      chunkCount > Math.ceil(charCount / (SOURCE_CHUNK_CHARS - 1))
    )
      throw appError("INVALID_ARGUMENT", `${chunkCount} chunks cannot hold ${charCount} characters.`);
    if ((kind === "pdf") !== (pageCount !== undefined) || (pageCount !== undefined && !isCount(pageCount)))
      throw appError("INVALID_ARGUMENT", "A PDF's text has its page count, and only a PDF's.");

    const now = Date.now();
    const fields = {
      name: shortenName(name) || "Untitled",
      kind,
      charCount,
      chunkCount,
      ...(pageCount !== undefined ? { pageCount } : {}),
      lastUsedAt: now,
    };
    const existing = await ctx.db
      .query("sources")
      .withIndex("by_user_hash", (q) => q.eq("userId", userId).eq("contentHash", contentHash))
      .first();
    if (existing?.status === "ready") {
      await ctx.db.patch("sources", existing._id, { lastUsedAt: now });
      return { sourceId: existing._id, ready: true };
    }
    if (existing) {
      // An upload begun before and not finished (a closed tab, a failed call): it starts again.
      await ctx.db.patch("sources", existing._id, { ...fields, pageCount });
      await ctx.scheduler.runAfter(SOURCE_DRAFT_TTL_MS, internal.sources.discardDraft, { sourceId: existing._id });
      return { sourceId: existing._id, ready: false };
    }
    const owned = await ctx.db
      .query("sources")
      .withIndex("by_user_hash", (q) => q.eq("userId", userId))
      .take(MAX_SOURCES_PER_USER);
    if (owned.length >= MAX_SOURCES_PER_USER)
      throw appError(
        "SOURCE_LIMIT",
        `You have ${MAX_SOURCES_PER_USER} sources, the most one account keeps. Delete one you no longer need first.`,
      );
    const sourceId = await ctx.db.insert("sources", {
      userId,
      contentHash,
      ...fields,
      status: "uploading",
      sectionCount: 0,
      createdAt: now,
    });
    await ctx.scheduler.runAfter(SOURCE_DRAFT_TTL_MS, internal.sources.discardDraft, { sourceId });
    return { sourceId, ready: false };
  },
});

/**
 * Stores chunks `firstIndex`, `firstIndex + 1`, … of an upload begun with `beginSource` (at most
 * `SOURCE_CHUNKS_PER_CALL`, each at most `SOURCE_CHUNK_CHARS`). A chunk sent again replaces the one
 * stored, so a retried call is harmless.
 */
export const appendSourceChunks = userMutation({
  args: { sourceId: v.string(), firstIndex: v.number(), chunks: v.array(v.string()) },
  returns: v.null(),
  handler: async (ctx, { sourceId: rawId, firstIndex, chunks }) => {
    const source = await ownedSource(ctx.db, ctx.userId, rawId);
    if (source.status !== "uploading") throw appError("INVALID_STATE", "This source is already stored.");
    const { SOURCE_CHUNKS_PER_CALL, SOURCE_CHUNK_CHARS } = SOURCE_CONFIG;
    if (chunks.length < 1 || chunks.length > SOURCE_CHUNKS_PER_CALL)
      throw appError("INVALID_ARGUMENT", `Send 1 to ${SOURCE_CHUNKS_PER_CALL} chunks at a time.`);
    if (!Number.isInteger(firstIndex) || firstIndex < 0 || firstIndex + chunks.length > source.chunkCount)
      throw appError("INVALID_ARGUMENT", `This source has chunks 0 to ${source.chunkCount - 1}.`);
    for (const [offset, text] of chunks.entries()) {
      if (text.length < 1 || text.length > SOURCE_CHUNK_CHARS)
        throw appError("INVALID_ARGUMENT", `A chunk holds 1 to ${SOURCE_CHUNK_CHARS} characters.`);
      const index = firstIndex + offset;
      const stored = await ctx.db
        .query("sourceChunks")
        .withIndex("by_source_index", (q) => q.eq("sourceId", source._id).eq("index", index))
        .unique();
      if (stored) await ctx.db.replace("sourceChunks", stored._id, { sourceId: source._id, index, text });
      else await ctx.db.insert("sourceChunks", { sourceId: source._id, index, text });
    }
    return null;
  },
});

/**
 * Finishes an upload: the chunks must all be there and make the text `beginSource` announced (its
 * length, its hash, normalised, within the limits, a PDF's pages); then its sections are written and
 * the source becomes ready, in this one transaction. A damaged upload is refused (`INVALID_ARGUMENT`)
 * and stays unusable until its chunks are sent again. Finishing a ready source returns it unchanged.
 */
export const finishSource = userMutation({
  args: { sourceId: v.string() },
  returns: vSourceSummary,
  handler: async (ctx, { sourceId: rawId }) => {
    const source = await ownedSource(ctx.db, ctx.userId, rawId);
    if (source.status === "ready") return toSummary(source);
    const chunks = await ctx.db
      .query("sourceChunks")
      .withIndex("by_source_index", (q) => q.eq("sourceId", source._id))
      .take(MAX_SOURCE_CHUNKS + 1);
    if (chunks.length !== source.chunkCount || chunks.some((chunk, i) => chunk.index !== i))
      throw appError(
        "INVALID_STATE",
        `The upload is incomplete: ${chunks.length} of ${source.chunkCount} parts arrived. Send the missing ones, then finish.`,
      );
    const text = chunks.map((chunk) => chunk.text).join("");
    const damaged = (why: string) =>
      appError("INVALID_ARGUMENT", `The upload was damaged on the way (${why}). Send it again.`);
    if (text.length !== source.charCount) throw damaged(`${text.length} characters, not ${source.charCount}`);
    if (sourceContentHash(text) !== source.contentHash) throw damaged("its hash does not match");
    if (normalizeSourceText(text, source.kind) !== text) throw damaged("its text is not normalised");
    const refusal = checkSourceText(text);
    if (refusal) throw appError("INVALID_ARGUMENT", refusal.message);
    const pages = source.kind === "pdf" ? text.split(PAGE_BREAK).length : undefined;
    if (pages !== source.pageCount) throw damaged(`${pages} pages, not ${source.pageCount}`);

    let start = 0;
    for (const chunk of chunks) {
      await ctx.db.patch("sourceChunks", chunk._id, { start });
      start += chunk.text.length;
    }
    const sections = sectionSource(text, source.kind);
    for (const [index, place] of sections.entries())
      await ctx.db.insert("sourceSections", { sourceId: source._id, index, ...place });
    const ready = { ...source, status: "ready" as const, sectionCount: sections.length, lastUsedAt: Date.now() };
    await ctx.db.patch("sources", source._id, {
      status: ready.status,
      sectionCount: ready.sectionCount,
      lastUsedAt: ready.lastUsedAt,
    });
    return toSummary(ready);
  },
});

/** The caller's ready sources, most recently used first (at most `MAX_SOURCES_LISTED`); empty when signed out. */
export const listMySources = userQuery({
  args: {},
  returns: v.array(vSourceSummary),
  handler: async (ctx) => {
    const { userId } = ctx;
    if (userId === null) return [];
    const sources = await ctx.db
      .query("sources")
      .withIndex("by_user_status_used", (q) => q.eq("userId", userId).eq("status", "ready"))
      .order("desc")
      .take(SOURCE_CONFIG.MAX_SOURCES_LISTED);
    return sources.map(toSummary);
  },
});

/** One of the caller's ready sources with its sections' places, in order; null if it is not theirs or not ready. */
export const getSource = userQuery({
  args: { sourceId: v.string() },
  returns: v.union(v.null(), vSourceWithSections),
  handler: async (ctx, { sourceId: rawId }) => {
    const source = await readySource(ctx.db, ctx.userId, rawId);
    if (source === null) return null;
    return { ...toSummary(source), sections: await sectionPlaces(ctx.db, source._id) };
  },
});

/**
 * Deletes one of the caller's sources (ready or being uploaded) with its chunks and sections. Refused
 * (`SOURCE_IN_USE`) while a job over it is queued, running or paused: its next sections would have nothing
 * to read. Questions already written from it keep their quotes.
 */
export const deleteSource = userMutation({
  args: { sourceId: v.string() },
  returns: v.null(),
  handler: async (ctx, { sourceId: rawId }) => {
    const source = await ownedSource(ctx.db, ctx.userId, rawId);
    for (const status of JOBS_USING_A_SOURCE) {
      const job = await ctx.db
        .query("generationJobs")
        .withIndex("by_source_status", (q) => q.eq("source.sourceId", source._id).eq("status", status))
        .first();
      if (job)
        throw appError(
          "SOURCE_IN_USE",
          `A generation is ${status === "paused" ? "paused" : "writing questions"} from “${source.name}”. Cancel it or let it finish, then delete the material.`,
        );
    }
    await deleteWithParts(ctx, source._id);
    return null;
  },
});

/** Statuses of a job that will still read its source's sections (a paused one, once resumed). */
const JOBS_USING_A_SOURCE = ["queued", "pending", "processing", "paused"] as const satisfies readonly JobStatus[];

/** Deletes an upload still unfinished `SOURCE_DRAFT_TTL_MS` after it was last begun (scheduled by `beginSource`). */
export const discardDraft = internalMutation({
  args: { sourceId: v.id("sources") },
  returns: v.null(),
  handler: async (ctx, { sourceId }) => {
    const source = await ctx.db.get("sources", sourceId);
    if (source?.status === "uploading" && Date.now() - source.lastUsedAt >= SOURCE_CONFIG.SOURCE_DRAFT_TTL_MS)
      await deleteWithParts(ctx, sourceId);
    return null;
  },
});

/**
 * A section of a user's ready source, with its text: what one model call of a job over the source
 * sees. Null when the source is gone, not theirs, not ready, or has no such section.
 */
export const getSection = internalQuery({
  args: { userId: v.string(), sourceId: v.id("sources"), index: v.number() },
  returns: v.union(v.null(), v.object({ place: vSectionPlace, text: v.string() })),
  handler: async (ctx, { userId, sourceId, index }) => {
    const source = await readySource(ctx.db, userId, sourceId);
    if (source === null) return null;
    const section = await ctx.db
      .query("sourceSections")
      .withIndex("by_source_index", (q) => q.eq("sourceId", source._id).eq("index", index))
      .unique();
    if (section === null) return null;
    const place = toPlace(section);
    return { place, text: await readSourceText(ctx.db, source._id, place.start, place.end) };
  },
});

// ── Helpers (also for the jobs API: a job over a source checks it with `readySource`) ──

function isCount(n: number): boolean {
  return Number.isInteger(n) && n >= 1;
}

/** The caller's source (in any state), or NOT_FOUND, also for someone else's. */
async function ownedSource(db: DatabaseReader, userId: string, rawId: string): Promise<Doc<"sources">> {
  const sourceId = db.normalizeId("sources", rawId);
  const source = sourceId === null ? null : await db.get("sources", sourceId);
  if (source === null || source.userId !== userId) throw appError("NOT_FOUND", "This source does not exist.");
  return source;
}

/** A job has started from the source: it goes to the top of its owner's list. */
export async function markSourceUsed(ctx: MutationCtx, sourceId: Id<"sources">): Promise<void> {
  await ctx.db.patch("sources", sourceId, { lastUsedAt: Date.now() });
}

/** A user's ready source, or null (not theirs, unfinished, gone, not an id). */
export async function readySource(
  db: DatabaseReader,
  userId: string | null,
  rawId: string,
): Promise<Doc<"sources"> | null> {
  const sourceId = db.normalizeId("sources", rawId);
  const source = sourceId === null || userId === null ? null : await db.get("sources", sourceId);
  return source !== null && source.userId === userId && source.status === "ready" ? source : null;
}

/** The places of a ready source's sections, in order. */
export async function sectionPlaces(db: DatabaseReader, sourceId: Id<"sources">): Promise<SectionPlace[]> {
  const sections = await db
    .query("sourceSections")
    .withIndex("by_source_index", (q) => q.eq("sourceId", sourceId))
    .take(MAX_SECTIONS);
  return sections.map(toPlace);
}

/** `text.slice(start, end)` of a ready source, read from the chunks that hold it (one or two for a section). */
export async function readSourceText(
  db: DatabaseReader,
  sourceId: Id<"sources">,
  start: number,
  end: number,
): Promise<string> {
  const first = await db
    .query("sourceChunks")
    .withIndex("by_source_start", (q) => q.eq("sourceId", sourceId).lte("start", start))
    .order("desc")
    .first();
  if (first?.start === undefined) return "";
  const firstStart = first.start;
  const rest = await db
    .query("sourceChunks")
    .withIndex("by_source_start", (q) => q.eq("sourceId", sourceId).gt("start", firstStart).lt("start", end))
    .take(MAX_SOURCE_CHUNKS);
  const text = [first, ...rest].map((chunk) => chunk.text).join("");
  return text.slice(start - firstStart, end - firstStart);
}

function toPlace(section: Doc<"sourceSections">): SectionPlace {
  const { heading, pageStart, pageEnd, start, end } = section;
  return {
    start,
    end,
    ...(heading !== undefined ? { heading } : {}),
    ...(pageStart !== undefined ? { pageStart } : {}),
    ...(pageEnd !== undefined ? { pageEnd } : {}),
  };
}

function toSummary(source: Doc<"sources">): SourceSummary {
  const { _id, name, kind, contentHash, charCount, pageCount, sectionCount, createdAt, lastUsedAt } = source;
  return {
    _id,
    name,
    kind,
    contentHash,
    charCount,
    ...(pageCount !== undefined ? { pageCount } : {}),
    sectionCount,
    createdAt,
    lastUsedAt,
  };
}

async function deleteWithParts(ctx: MutationCtx, sourceId: Id<"sources">): Promise<void> {
  const chunks = await ctx.db
    .query("sourceChunks")
    .withIndex("by_source_index", (q) => q.eq("sourceId", sourceId))
    .take(MAX_SOURCE_CHUNKS);
  for (const chunk of chunks) await ctx.db.delete("sourceChunks", chunk._id);
  const sections = await ctx.db
    .query("sourceSections")
    .withIndex("by_source_index", (q) => q.eq("sourceId", sourceId))
    .take(MAX_SECTIONS);
  for (const section of sections) await ctx.db.delete("sourceSections", section._id);
  await ctx.db.delete("sources", sourceId);
}
