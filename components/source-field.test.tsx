/**
 * The Generate modal with the learner's own material: a chosen file is read in the browser, stored through
 * the upload protocol on submit and the job started over it with a suggested, editable count; material stored
 * before starts at once ("more from this source"); refusals stay inline. Files are the project's fixtures.
 */
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ConvexError } from "convex/values";
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { AppShellContext } from "@/hooks/use-app-shell";
import { normalizeSourceText, sourceContentHash } from "@/lib/sources";
import type { SourceSummary } from "@/lib/validators";
import { GenerationModal } from "./generation-modal";
import { FOCUS_PLACEHOLDER } from "./prompt-form";
import { mockMutation, resetConvexMocks, setQueryResult } from "./test-support/convex-mocks";

vi.mock("convex/react", async () => (await import("./test-support/convex-mocks")).convexReactMock);
const toast = vi.hoisted(() => Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }));
vi.mock("sonner", () => ({ toast }));

const onOpenChange = vi.fn();
const CHAPTER = readFileSync("tests/fixtures/sources/photosynthesis.md");
const STORED: SourceSummary = {
  _id: "src_1" as SourceSummary["_id"],
  name: "timekeeping.pdf",
  kind: "pdf",
  contentHash: "f".repeat(64),
  charCount: 7_900,
  pageCount: 6,
  sectionCount: 7,
  createdAt: 0,
  lastUsedAt: 0,
};

function renderModal(prefill?: { text: string; nonce: number; sourceId?: string }) {
  render(
    <AppShellContext value={{ openGenerate: vi.fn(), openTasksPanel: vi.fn() }}>
      <GenerationModal open onOpenChange={onOpenChange} {...(prefill ? { prefill } : {})} />
    </AppShellContext>,
  );
}

/** Mocks of the upload protocol and the job's start; `finish` answers with the stored source. */
function mockServer() {
  return {
    begin: mockMutation("sources:beginSource", () => Promise.resolve({ sourceId: "src_new", ready: false })),
    append: mockMutation("sources:appendSourceChunks"),
    finish: mockMutation("sources:finishSource", () => Promise.resolve({})),
    create: mockMutation("generationJobs:createSourceJob", () => Promise.resolve("job_1")),
  };
}

beforeEach(() => {
  resetConvexMocks();
  vi.clearAllMocks();
  setQueryResult("sources:listMySources", []);
});

describe("the Generate modal with your own material", () => {
  it("a chosen Markdown file is stored on submit, then the job starts over it with the suggested count", async () => {
    const server = mockServer();
    const user = userEvent.setup();
    renderModal();
    await user.click(screen.getByRole("button", { name: "Use your own material" }));
    await user.upload(screen.getByLabelText("Choose a file"), new File([CHAPTER], "photosynthesis.md"));
    expect(await screen.findByTestId("source-card")).toHaveTextContent("photosynthesis.md");
    // The prompt becomes optional: what to focus on.
    const prompt = screen.getByRole("textbox", { name: "Generate questions" });
    expect(prompt).toHaveAttribute("placeholder", FOCUS_PLACEHOLDER);
    const count = screen.getByRole("spinbutton", { name: "Questions" });
    expect(count).toHaveValue(9); // about one per 1,500 characters of a 14,117-character chapter

    await user.type(prompt, "The Calvin cycle");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));

    const text = normalizeSourceText(CHAPTER.toString("utf8"), "markdown");
    expect(server.begin).toHaveBeenCalledWith({
      name: "photosynthesis.md",
      kind: "markdown",
      contentHash: sourceContentHash(text),
      charCount: text.length,
      chunkCount: 1,
    });
    expect(server.append).toHaveBeenCalledWith({ sourceId: "src_new", firstIndex: 0, chunks: [text] });
    expect(server.finish).toHaveBeenCalledWith({ sourceId: "src_new" });
    expect(server.create).toHaveBeenCalledWith({
      sourceId: "src_new",
      questionCount: 9,
      prompt: "The Calvin cycle",
      idempotencyKey: expect.any(String) as unknown,
    });
    expect(toast.success).toHaveBeenCalledWith("Generation started", expect.anything());
  });

  it("more from material stored before: chosen from the list, nothing uploaded, the count as typed", async () => {
    const server = mockServer();
    setQueryResult("sources:listMySources", [STORED]);
    const user = userEvent.setup();
    renderModal({ text: "", nonce: 1, sourceId: STORED._id });
    // Opened from "More from this source": the material is already chosen.
    expect(await screen.findByTestId("stored-source-card")).toHaveTextContent(
      "timekeeping.pdfPDF · 6 pages · 7 sections · 7,900 characters",
    );
    const count = screen.getByRole("spinbutton", { name: "Questions" });
    expect(count).toHaveValue(5);
    await user.clear(count);
    await user.type(count, "12");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    await waitFor(() => expect(server.create).toHaveBeenCalledOnce());
    expect(server.create).toHaveBeenCalledWith({
      sourceId: STORED._id,
      questionCount: 12,
      idempotencyKey: expect.any(String) as unknown,
    });
    expect(server.begin).not.toHaveBeenCalled();
  });

  it("a server that does not answer: a retry, also from the modal opened again, resends the same key; one toast", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const answers = Array.from({ length: 2 }, () => {
      let resolve!: (jobId: string) => void;
      return { promise: new Promise<string>((r) => (resolve = r)), resolve: (jobId: string) => resolve(jobId) };
    });
    const create = mockMutation("generationJobs:createSourceJob", () => answers[create.mock.calls.length - 1]!.promise);
    setQueryResult("sources:listMySources", [STORED]);
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    const { unmount } = render(
      <AppShellContext value={{ openGenerate: vi.fn(), openTasksPanel: vi.fn() }}>
        <GenerationModal open onOpenChange={onOpenChange} prefill={{ text: "", nonce: 1, sourceId: STORED._id }} />
      </AppShellContext>,
    );
    await user.click(await screen.findByRole("button", { name: "Generate questions" }));
    await act(async () => void (await vi.advanceTimersByTimeAsync(10_000)));
    expect(screen.getByRole("alert")).toHaveTextContent("Can't reach the server. Your material is kept");
    unmount(); // the modal closed
    renderModal({ text: "", nonce: 2, sourceId: STORED._id });
    await user.click(await screen.findByRole("button", { name: "Generate questions" }));
    expect(create).toHaveBeenCalledTimes(2);
    expect(new Set(create.mock.calls.map(([args]) => args.idempotencyKey)).size).toBe(1);
    // Back online: the server answers both with the one job, announced once.
    await act(async () => {
      for (const answer of answers) answer.resolve("job_once");
      await Promise.all(answers.map((answer) => answer.promise));
    });
    expect(toast.success).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });

  it("a count out of bounds is refused inline; a refusal from the server stays inline with the material kept", async () => {
    const server = mockServer();
    server.create.mockImplementation(() =>
      Promise.reject(
        new ConvexError({ code: "CONCURRENCY_LIMIT", message: "You already have 3 generations running." }),
      ),
    );
    setQueryResult("sources:listMySources", [STORED]);
    const user = userEvent.setup();
    renderModal({ text: "", nonce: 1, sourceId: STORED._id });
    const count = await screen.findByRole("spinbutton", { name: "Questions" });
    await user.clear(count);
    await user.type(count, "80");
    expect(screen.getByText("Ask for 5 to 50 questions.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    expect(server.create).not.toHaveBeenCalled();

    await user.clear(count);
    await user.type(count, "10");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    expect(await screen.findByTestId("form-notice")).toHaveTextContent("All 3 generations are running.");
    expect(screen.getByTestId("stored-source-card")).toBeInTheDocument();
    expect(onOpenChange).not.toHaveBeenCalledWith(false);
  });

  it("deleting stored material a generation still uses is refused inline", async () => {
    mockServer();
    mockMutation("sources:deleteSource", () =>
      Promise.reject(
        new ConvexError({
          code: "SOURCE_IN_USE",
          message: "A generation is writing questions from “timekeeping.pdf”.",
        }),
      ),
    );
    setQueryResult("sources:listMySources", [STORED]);
    const user = userEvent.setup();
    renderModal({ text: "", nonce: 1, sourceId: STORED._id });
    const card = await screen.findByTestId("stored-source-card");
    await user.click(within(card).getByRole("button", { name: "Delete timekeeping.pdf" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "A generation is writing questions from “timekeeping.pdf”.",
    );
    expect(screen.getByTestId("stored-source-card")).toBeInTheDocument();
  });

  it("a file that cannot be used is refused before anything is uploaded, and the prompt alone still works", async () => {
    const server = mockServer();
    const createJob = mockMutation("generationJobs:createJob", () => Promise.resolve("job_2"));
    const user = userEvent.setup();
    renderModal();
    await user.click(screen.getByRole("button", { name: "Use your own material" }));
    await user.upload(screen.getByLabelText("Choose a file"), new File([], "notes.md"));
    expect(await screen.findByRole("alert")).toHaveTextContent("This file is empty.");
    await user.type(screen.getByRole("textbox", { name: "Generate questions" }), "NATO alphabet");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    await waitFor(() => expect(createJob).toHaveBeenCalledOnce());
    expect(server.begin).not.toHaveBeenCalled();
    expect(server.create).not.toHaveBeenCalled();
  });
});
