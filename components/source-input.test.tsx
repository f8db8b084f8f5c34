/**
 * SourceInput: choose or drop a file, or paste text; what was read shows as a
 * card, and every refusal is inline, before any upload. Files are the project's
 * fixtures, read by the real PDF.js.
 */
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { SOURCE_CONFIG } from "@/lib/constants/sources";
import type { ExtractedSource } from "@/lib/sources";
import { SourceInput } from "./source-input";

const onSourceChange = vi.fn<(source: ExtractedSource | null) => void>();
const fixture = (name: string) => new File([readFileSync(`tests/fixtures/sources/${name}`)], name);
const lastSource = () => onSourceChange.mock.calls.at(-1)?.[0];

function drop(file: File) {
  fireEvent.drop(screen.getByTestId("source-drop-zone"), { dataTransfer: { files: [file] } });
}

beforeEach(() => {
  onSourceChange.mockClear();
});

describe("SourceInput", () => {
  it("reads a chosen PDF and shows its name, pages, size and length; Remove clears it", async () => {
    const user = userEvent.setup();
    render(<SourceInput onSourceChange={onSourceChange} />);
    await user.upload(screen.getByLabelText("Choose a file"), fixture("timekeeping.pdf"));
    expect(await screen.findByRole("status")).toHaveTextContent("Reading timekeeping.pdf…");
    // The first PDF loads PDF.js itself, which takes a moment under jsdom.
    const card = await screen.findByTestId("source-card", {}, { timeout: 10_000 });
    expect(card).toHaveTextContent("timekeeping.pdf");
    expect(card).toHaveTextContent(/^timekeeping\.pdfPDF · 6 pages · 14\.4 KB · [\d,]+ characters$/);
    expect(lastSource()).toMatchObject({ name: "timekeeping.pdf", kind: "pdf", pageCount: 6 });

    await user.click(screen.getByRole("button", { name: "Remove timekeeping.pdf" }));
    expect(lastSource()).toBeNull();
    expect(screen.getByRole("button", { name: "Choose a file" })).toBeVisible();
  });

  it("reads a dropped Markdown file", async () => {
    render(<SourceInput onSourceChange={onSourceChange} />);
    drop(fixture("photosynthesis.md"));
    expect(await screen.findByTestId("source-card")).toHaveTextContent("Markdown · 13.8 KB · 14,117 characters");
    expect(lastSource()).toMatchObject({ kind: "markdown", fileBytes: 14120 });
  });

  it.each([
    ["a scanned PDF", () => fixture("scanned.pdf"), "This PDF has no text to read: its pages are pictures (a scan?)."],
    ["an encrypted PDF", () => fixture("encrypted.pdf"), "This PDF is protected by a password."],
    ["an empty file", () => new File([], "notes.md"), "This file is empty."],
    ["a Word file", () => new File(["x"], "essay.docx"), "“essay.docx” is not a Markdown, text or PDF file."],
    [
      "a file over the size limit",
      () => new File([new Uint8Array(SOURCE_CONFIG.MAX_FILE_BYTES + 1)], "slides.pdf"),
      "This file is 50.0 MB; files up to 50.0 MB can be read.",
    ],
    [
      "a text over the length limit",
      () => new File(["word ".repeat(SOURCE_CONFIG.MAX_SOURCE_CHARS / 5 + 1)], "book.txt"),
      "This is 500,004 characters of text; the limit is 500,000",
    ],
  ])("refuses %s inline, with nothing to upload", async (_what, file, message) => {
    render(<SourceInput onSourceChange={onSourceChange} />);
    drop(file());
    expect(await screen.findByRole("alert")).toHaveTextContent(message);
    expect(screen.queryByTestId("source-card")).toBeNull();
    expect(lastSource() ?? null).toBeNull();
  });

  it("a refused file is replaced by the next one chosen", async () => {
    render(<SourceInput onSourceChange={onSourceChange} />);
    drop(fixture("encrypted.pdf"));
    await screen.findByRole("alert");
    drop(fixture("photosynthesis.md"));
    await screen.findByTestId("source-card");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("takes pasted text: too short is said once the field is left, too long at once", async () => {
    const user = userEvent.setup();
    render(<SourceInput onSourceChange={onSourceChange} />);
    await user.click(screen.getByRole("tab", { name: "Paste text" }));
    const field = screen.getByRole("textbox", { name: "Paste your notes" });

    await user.type(field, "Cells divide.");
    expect(screen.queryByRole("alert")).toBeNull();
    await user.tab();
    expect(screen.getByRole("alert")).toHaveTextContent("There is too little text here to write questions from");
    expect(field).toHaveAttribute("aria-invalid", "true");

    const notes = `## Mitosis\n\n${"Cells divide in four stages. ".repeat(10)}`;
    fireEvent.change(field, { target: { value: notes } });
    expect(screen.queryByRole("alert")).toBeNull();
    expect(lastSource()).toMatchObject({ name: "Mitosis", kind: "markdown" });
    expect(screen.getByText(`${notes.trim().length} / 500,000 characters · Markdown`)).toBeVisible();

    fireEvent.change(field, { target: { value: "x".repeat(SOURCE_CONFIG.MAX_SOURCE_CHARS + 1) } });
    expect(screen.getByRole("alert")).toHaveTextContent("This is 500,001 characters of text");
    expect(lastSource()).toBeNull();
  });

  it("hands on the source of the tab in view", async () => {
    const user = userEvent.setup();
    render(<SourceInput onSourceChange={onSourceChange} />);
    drop(fixture("photosynthesis.md"));
    await screen.findByTestId("source-card");
    await user.click(screen.getByRole("tab", { name: "Paste text" }));
    expect(lastSource()).toBeNull();
    await user.click(screen.getByRole("tab", { name: "File" }));
    await waitFor(() => expect(lastSource()).toMatchObject({ kind: "markdown" }));
  });

  it("takes nothing while disabled", () => {
    render(<SourceInput onSourceChange={onSourceChange} disabled />);
    act(() => drop(fixture("photosynthesis.md")));
    // A file taken would be "Reading…" at once.
    expect(screen.queryByRole("status")).toBeNull();
    expect(screen.queryByTestId("source-card")).toBeNull();
    expect(screen.getByRole("button", { name: "Choose a file" })).toBeDisabled();
  });
});
