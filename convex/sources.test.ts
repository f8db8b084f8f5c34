/**
 * Storing sources: the upload protocol (`uploadSource` over the real functions), one source per user and
 * text, never usable half-stored, damaged uploads refused, the limits, a source of the maximum size under
 * Convex's transaction limits, sections and their text, delete, and abandoned uploads discarded.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test, vi } from "vitest";
import { MAX_SECTIONS, SOURCE_CONFIG } from "../lib/constants/sources";
import { sectionSource } from "../lib/sections";
import {
  chunkSourceText,
  normalizeSourceText,
  PAGE_BREAK,
  sourceContentHash,
  uploadSource,
  type SourceUploadCalls,
} from "../lib/sources";
import type { SourceKind } from "../lib/validators";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { asUser, errorOf, initConvexTest, NOW, tokenIdentifier, useFakeClock, type TestConvex } from "./test.setup";

useFakeClock();

const CHAPTER = normalizeSourceText(readFileSync("tests/fixtures/sources/photosynthesis.md", "utf8"), "markdown");

type Caller = ReturnType<typeof asUser>;

/** The upload protocol over the real public functions, as `name`. */
function callsOf(user: Caller): SourceUploadCalls<Id<"sources">> {
  return {
    begin: (args) => user.mutation(api.sources.beginSource, args),
    append: (args) => user.mutation(api.sources.appendSourceChunks, args),
    finish: (args) => user.mutation(api.sources.finishSource, args),
  };
}

function upload(user: Caller, text: string, kind: SourceKind = "markdown", name = "chapter.md", pageCount?: number) {
  return uploadSource(callsOf(user), { name, kind, text, ...(pageCount !== undefined ? { pageCount } : {}) });
}

/** What `beginSource` needs to announce `text`. */
function announce(text: string, kind: SourceKind = "text") {
  return {
    name: "notes.txt",
    kind,
    contentHash: sourceContentHash(text),
    charCount: text.length,
    chunkCount: chunkSourceText(text).length,
  };
}

const countRows = (t: TestConvex) =>
  t.run(async (ctx) => ({
    sources: (await ctx.db.query("sources").collect()).length,
    chunks: (await ctx.db.query("sourceChunks").collect()).length,
    sections: (await ctx.db.query("sourceSections").collect()).length,
  }));

describe("storing a source", () => {
  test("a Markdown chapter: stored, listed, read back with its sections and their text", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const { sourceId, reused } = await upload(alice, CHAPTER);
    expect(reused).toBe(false);

    const source = await alice.query(api.sources.getSource, { sourceId });
    const sections = sectionSource(CHAPTER, "markdown");
    expect(source).toEqual({
      _id: sourceId,
      name: "chapter.md",
      kind: "markdown",
      contentHash: sourceContentHash(CHAPTER),
      charCount: CHAPTER.length,
      sectionCount: sections.length,
      createdAt: NOW,
      lastUsedAt: NOW,
      sections,
    });
    expect(await alice.query(api.sources.listMySources, {})).toEqual([
      expect.objectContaining({ _id: sourceId, name: "chapter.md", sectionCount: sections.length }),
    ]);
    for (const [index, place] of sections.entries()) {
      const section = await t.query(internal.sources.getSection, {
        userId: tokenIdentifier("alice"),
        sourceId,
        index,
      });
      expect(section).toEqual({ place, text: CHAPTER.slice(place.start, place.end) });
    }
  });

  test("the same text again is the same source, at once; another user's copy is their own", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const first = await upload(alice, CHAPTER);
    vi.setSystemTime(NOW + 60_000);
    const again = await upload(alice, CHAPTER, "markdown", "copy of chapter.md");
    expect(again).toEqual({ sourceId: first.sourceId, reused: true });
    const [listed] = await alice.query(api.sources.listMySources, {});
    expect(listed).toMatchObject({ name: "chapter.md", lastUsedAt: NOW + 60_000 });

    const bobs = await upload(asUser(t, "bob"), CHAPTER);
    expect(bobs.reused).toBe(false);
    expect(bobs.sourceId).not.toBe(first.sourceId);
    expect(await countRows(t)).toMatchObject({ sources: 2 });
  });

  test("lists the caller's sources, most recently used first", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const older = await upload(alice, CHAPTER);
    vi.setSystemTime(NOW + 1000);
    const newer = await upload(alice, `${CHAPTER}\n\nOne more line.`, "markdown", "chapter v2.md");
    vi.setSystemTime(NOW + 2000);
    await upload(alice, CHAPTER); // used again
    const listed = await alice.query(api.sources.listMySources, {});
    expect(listed.map((s) => s._id)).toEqual([older.sourceId, newer.sourceId]);
  });

  test("a PDF's text keeps its pages: the sections say which pages they span", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const pages = CHAPTER.split("\n## ").map((part, i) => (i === 0 ? part : `${part.split("\n")[0]}\n\n${part}`));
    const text = normalizeSourceText(pages.join(PAGE_BREAK), "pdf");
    const { sourceId } = await upload(alice, text, "pdf", "chapter.pdf", pages.length);
    const source = await alice.query(api.sources.getSource, { sourceId });
    expect(source).toMatchObject({ kind: "pdf", pageCount: pages.length });
    expect(source!.sections[0]).toMatchObject({ pageStart: 1 });
    expect(source!.sections.at(-1)).toMatchObject({ pageEnd: pages.length });
  });
});

describe("never usable half-stored", () => {
  test("an unfinished upload is not listed or readable; finishing it early is refused", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const text = "word ".repeat(50_000).trim(); // 3 chunks
    const { sourceId, ready } = await alice.mutation(api.sources.beginSource, announce(text));
    expect(ready).toBe(false);
    const chunks = chunkSourceText(text);
    await alice.mutation(api.sources.appendSourceChunks, { sourceId, firstIndex: 0, chunks: chunks.slice(0, 2) });

    expect(await alice.query(api.sources.listMySources, {})).toEqual([]);
    expect(await alice.query(api.sources.getSource, { sourceId })).toBeNull();
    expect(
      await t.query(internal.sources.getSection, { userId: tokenIdentifier("alice"), sourceId, index: 0 }),
    ).toBeNull();
    expect(await errorOf(alice.mutation(api.sources.finishSource, { sourceId }))).toEqual({
      code: "INVALID_STATE",
      message: "The upload is incomplete: 2 of 3 parts arrived. Send the missing ones, then finish.",
    });

    await alice.mutation(api.sources.appendSourceChunks, { sourceId, firstIndex: 2, chunks: chunks.slice(2) });
    await alice.mutation(api.sources.finishSource, { sourceId });
    expect(await alice.query(api.sources.getSource, { sourceId })).toMatchObject({ charCount: text.length });
    expect(
      await errorOf(alice.mutation(api.sources.appendSourceChunks, { sourceId, firstIndex: 0, chunks: ["x"] })),
    ).toMatchObject({ code: "INVALID_STATE" });
  });

  test("a damaged upload is refused and stays unusable until its chunks are sent again", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const { sourceId } = await alice.mutation(api.sources.beginSource, announce(CHAPTER, "markdown"));
    const tampered = CHAPTER.replace("oxygen", "nitrogen").slice(0, CHAPTER.length);
    await alice.mutation(api.sources.appendSourceChunks, { sourceId, firstIndex: 0, chunks: [tampered] });
    expect(await errorOf(alice.mutation(api.sources.finishSource, { sourceId }))).toEqual({
      code: "INVALID_ARGUMENT",
      message: "The upload was damaged on the way (its hash does not match). Send it again.",
    });
    expect(await alice.query(api.sources.getSource, { sourceId })).toBeNull();

    // Starting again with the same text finds the draft; the chunk sent again replaces the damaged one.
    const retried = await upload(alice, CHAPTER);
    expect(retried).toEqual({ sourceId, reused: false });
    expect(await alice.query(api.sources.getSource, { sourceId })).toMatchObject({ charCount: CHAPTER.length });
    expect(await countRows(t)).toMatchObject({ sources: 1, chunks: 1 });
  });

  test("text that is not normalised, too short, or with the wrong page count is refused", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const finishWith = async (text: string, kind: SourceKind, pageCount?: number) => {
      const { sourceId } = await alice.mutation(api.sources.beginSource, {
        ...announce(text, kind),
        ...(pageCount !== undefined ? { pageCount } : {}),
      });
      await alice.mutation(api.sources.appendSourceChunks, { sourceId, firstIndex: 0, chunks: chunkSourceText(text) });
      return (await errorOf(alice.mutation(api.sources.finishSource, { sourceId }))).message;
    };
    expect(await finishWith(`${CHAPTER}\r\n`, "markdown")).toMatch(/its text is not normalised/);
    expect(await finishWith("A short note.", "text")).toMatch(/^There is too little text here/);
    expect(await finishWith(`${CHAPTER}${PAGE_BREAK}Page two.`, "pdf", 3)).toMatch(/\(2 pages, not 3\)/);
  });
});

describe("limits", () => {
  test("a source of the maximum size, in 3-byte characters, is stored and read within Convex's limits", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    // UTF-8 takes 3 bytes for each of these: the largest chunks a source can have (~300 KB each).
    const paragraph = `## 光合作用\n\n${"植物利用光能把二氧化碳和水转化为糖。".repeat(60)}\n\n`;
    const text = paragraph
      .repeat(Math.ceil(SOURCE_CONFIG.MAX_SOURCE_CHARS / paragraph.length))
      .slice(0, SOURCE_CONFIG.MAX_SOURCE_CHARS)
      .trim();
    const { sourceId } = await upload(alice, text, "markdown", "big.md");
    const source = (await alice.query(api.sources.getSource, { sourceId }))!;
    expect(source.charCount).toBe(text.length);
    expect(source.sections.length).toBeGreaterThan(40);
    expect(source.sections.length).toBeLessThanOrEqual(MAX_SECTIONS);
    // convex-test checks a transaction's bytes, not a document's: every stored document is under Convex's 1 MiB.
    const largest = await t.run(async (ctx) => {
      const docs = [
        ...(await ctx.db.query("sources").collect()),
        ...(await ctx.db.query("sourceChunks").collect()),
        ...(await ctx.db.query("sourceSections").collect()),
      ];
      return Math.max(...docs.map((doc) => new TextEncoder().encode(JSON.stringify(doc)).length));
    });
    expect(largest).toBeGreaterThan(290_000); // a chunk of 3-byte characters
    expect(largest).toBeLessThan(1024 * 1024);
    const last = source.sections.length - 1;
    const section = await t.query(internal.sources.getSection, {
      userId: tokenIdentifier("alice"),
      sourceId,
      index: last,
    });
    expect(section!.text).toBe(text.slice(source.sections[last]!.start));

    await alice.mutation(api.sources.deleteSource, { sourceId });
    expect(await countRows(t)).toEqual({ sources: 0, chunks: 0, sections: 0 });
  });

  test("a source made of the smallest sections (the most rows) is stored and deleted in one transaction each", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const unit = `# Part\n${"x".repeat(SOURCE_CONFIG.MIN_SECTION_CHARS - 8)}\n`;
    const text = unit.repeat(Math.floor(SOURCE_CONFIG.MAX_SOURCE_CHARS / unit.length)).trim();
    const { sourceId } = await upload(alice, text, "markdown");
    const { sectionCount } = (await alice.query(api.sources.getSource, { sourceId }))!;
    expect(sectionCount).toBeGreaterThan(450);
    await alice.mutation(api.sources.deleteSource, { sourceId });
    expect(await countRows(t)).toEqual({ sources: 0, chunks: 0, sections: 0 });
  });

  test.each([
    [
      "a text over the limit",
      { charCount: SOURCE_CONFIG.MAX_SOURCE_CHARS + 1, chunkCount: 6 },
      /^A source holds 1 to 500,000 characters/,
    ],
    ["a hash that is not SHA-256", { contentHash: "abc" }, /SHA-256/],
    ["too few chunks for its length", { chunkCount: 1, charCount: 250_000 }, /^1 chunks cannot hold 250000 characters/],
    ["a page count for text", { pageCount: 3 }, /page count/],
    ["no page count for a PDF", { kind: "pdf" as const }, /page count/],
  ])("beginSource refuses %s", async (_what, change, message) => {
    const t = initConvexTest();
    const args = { ...announce(CHAPTER), ...change };
    expect(await errorOf(asUser(t, "alice").mutation(api.sources.beginSource, args))).toEqual({
      code: "INVALID_ARGUMENT",
      message: expect.stringMatching(message) as unknown,
    });
    expect(await countRows(t)).toMatchObject({ sources: 0 });
  });

  test("appendSourceChunks refuses chunks too long, too many at once, or past the source's end", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const { sourceId } = await alice.mutation(api.sources.beginSource, announce(CHAPTER));
    const append = (firstIndex: number, chunks: string[]) =>
      errorOf(alice.mutation(api.sources.appendSourceChunks, { sourceId, firstIndex, chunks }));
    expect(await append(0, ["x".repeat(SOURCE_CONFIG.SOURCE_CHUNK_CHARS + 1)])).toMatchObject({
      message: "A chunk holds 1 to 100000 characters.",
    });
    expect(await append(0, ["a", "b", "c"])).toMatchObject({ message: "Send 1 to 2 chunks at a time." });
    expect(await append(1, ["a"])).toMatchObject({
      code: "INVALID_ARGUMENT",
      message: "This source has chunks 0 to 0.",
    });
    expect(await append(0, [""])).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(await countRows(t)).toMatchObject({ chunks: 0 });
  });

  test(`a user keeps at most ${SOURCE_CONFIG.MAX_SOURCES_PER_USER} sources`, async () => {
    const t = initConvexTest();
    await t.run(async (ctx) => {
      for (let i = 0; i < SOURCE_CONFIG.MAX_SOURCES_PER_USER; i++)
        await ctx.db.insert("sources", {
          userId: tokenIdentifier("alice"),
          name: `Source ${i}`,
          kind: "text",
          contentHash: sourceContentHash(`source ${i}`),
          charCount: 1000,
          chunkCount: 1,
          status: "ready",
          sectionCount: 1,
          createdAt: NOW,
          lastUsedAt: NOW,
        });
    });
    expect(await errorOf(asUser(t, "alice").mutation(api.sources.beginSource, announce(CHAPTER)))).toEqual({
      code: "SOURCE_LIMIT",
      message: "You have 100 sources, the most one account keeps. Delete one you no longer need first.",
    });
    // One already stored is still found, and bob is not limited by alice's sources.
    expect(await asUser(t, "alice").mutation(api.sources.beginSource, announce("source 7"))).toMatchObject({
      ready: true,
    });
    expect((await upload(asUser(t, "bob"), CHAPTER)).reused).toBe(false);
  });
});

describe("deleting and discarding", () => {
  test("deleteSource removes the source with its chunks and sections; a deleted source is gone", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const { sourceId } = await upload(alice, CHAPTER);
    await upload(alice, `${CHAPTER}\n\nAnother version.`);
    const before = await countRows(t);
    await alice.mutation(api.sources.deleteSource, { sourceId });
    const after = await countRows(t);
    expect(after.sources).toBe(before.sources - 1);
    expect(after.sections).toBeLessThan(before.sections);
    expect(await alice.query(api.sources.getSource, { sourceId })).toBeNull();
    expect(await errorOf(alice.mutation(api.sources.deleteSource, { sourceId }))).toMatchObject({ code: "NOT_FOUND" });
  });

  test("an upload left unfinished is deleted after SOURCE_DRAFT_TTL_MS; a finished one is kept", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const abandoned = "word ".repeat(30_000).trim();
    const { sourceId } = await alice.mutation(api.sources.beginSource, announce(abandoned));
    await alice.mutation(api.sources.appendSourceChunks, {
      sourceId,
      firstIndex: 0,
      chunks: chunkSourceText(abandoned).slice(0, 1),
    });
    await upload(alice, CHAPTER);
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await countRows(t)).toMatchObject({ sources: 1, chunks: 1 });
    expect(await alice.query(api.sources.listMySources, {})).toHaveLength(1);
  });
});
