/**
 * GenerationModal: inline validation with the server's rule, the character
 * count, Cmd/Ctrl+Enter, one job per submission (idempotency key), closing on
 * success with a toast that opens the panel, limits shown before they bite
 * ("2 of 3 running", a countdown while rate limited), and refusals inline with
 * the typed prompt kept.
 */
import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ConvexError } from "convex/values";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { AppShellContext } from "@/hooks/use-app-shell";
import { GenerationModal } from "./generation-modal";
import { PROMPT_PLACEHOLDER } from "./prompt-form";
import { mockMutation, resetConvexMocks, setQueryResult } from "./test-support/convex-mocks";

vi.mock("convex/react", async () => (await import("./test-support/convex-mocks")).convexReactMock);
const toast = vi.hoisted(() => Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }));
vi.mock("sonner", () => ({ toast }));

/** `getStartAllowance` with room to start and nothing spent. */
const allowance = {
  running: 0,
  maxRunning: 3,
  rateLimitedUntil: null,
  tokensToday: { usedTokens: 0, budgetTokens: 1_000_000, resetsAt: Date.UTC(2030, 0, 16) },
};

const openTasksPanel = vi.fn();
const onOpenChange = vi.fn();

function Harness({ prefill }: { prefill?: { text: string; nonce: number } }) {
  const [open, setOpen] = useState(true);
  return (
    <AppShellContext value={{ openGenerate: vi.fn(), openTasksPanel }}>
      <button type="button" onClick={() => setOpen(true)}>
        Reopen
      </button>
      <GenerationModal
        open={open}
        onOpenChange={(next) => {
          onOpenChange(next);
          setOpen(next);
        }}
        prefill={prefill}
      />
    </AppShellContext>
  );
}

function field() {
  return screen.getByRole("textbox", { name: "Generate questions" });
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

beforeEach(() => {
  resetConvexMocks();
  vi.clearAllMocks();
});

describe("GenerationModal", () => {
  it("says before submit when the server has no AI model configured, and does not start a job", async () => {
    const createJob = mockMutation("generationJobs:createJob");
    setQueryResult("generationJobs:getModelInfo", null);
    const user = userEvent.setup();
    render(<Harness />);
    expect(screen.getByRole("alert")).toHaveTextContent("No AI model is configured on the server");
    await user.type(field(), "NATO alphabet");
    expect(screen.getByRole("button", { name: "Generate questions" })).toBeDisabled();
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(createJob).not.toHaveBeenCalled();
  });

  it("shows today's AI use, and when the budget is spent says so, keeps the prompt and does not submit", async () => {
    const createJob = mockMutation("generationJobs:createJob");
    setQueryResult("admission:getStartAllowance", {
      ...allowance,
      tokensToday: { usedTokens: 12_300, budgetTokens: 1_000_000, resetsAt: Date.now() + 3_600_000 },
    });
    const user = userEvent.setup();
    const { unmount } = render(<Harness />);
    expect(screen.getByText("AI use today: 12k of 1M tokens")).toBeInTheDocument();
    unmount();

    setQueryResult("admission:getStartAllowance", {
      ...allowance,
      tokensToday: { usedTokens: 1_000_000, budgetTokens: 1_000_000, resetsAt: Date.now() + 3_600_000 },
    });
    render(<Harness />);
    expect(screen.getByRole("alert")).toHaveTextContent("You've used today's AI budget. It resets at midnight UTC");
    await user.type(field(), "NATO alphabet");
    expect(screen.getByRole("button", { name: "Generate questions" })).toBeDisabled();
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(createJob).not.toHaveBeenCalled();
    expect(field()).toHaveValue("NATO alphabet");
  });

  it("says nothing about the model while it is loading or when one is configured", () => {
    render(<Harness />);
    expect(screen.queryByText(/No AI model is configured/)).not.toBeInTheDocument();
    setQueryResult("generationJobs:getModelInfo", { kind: "gemini", name: "gemini-2.5-flash" });
    render(<Harness />);
    expect(screen.queryByText(/No AI model is configured/)).not.toBeInTheDocument();
  });

  it("shows the seed's placeholder, focuses the prompt, and counts characters as typed", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    expect(field()).toHaveAttribute("placeholder", PROMPT_PLACEHOLDER);
    expect(field()).toHaveFocus();
    expect(screen.getByText("0 / 5,000", { exact: false })).toBeInTheDocument();
    await user.type(field(), "  React hooks ");
    // Counted like the server counts: trimmed.
    expect(screen.getByText("11 / 5,000", { exact: false })).toBeInTheDocument();
  });

  it("an empty or too-short prompt is refused inline, without calling the server", async () => {
    const createJob = mockMutation("generationJobs:createJob");
    const user = userEvent.setup();
    render(<Harness />);

    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    expect(await screen.findByText("Type what you want to learn about.")).toBeInTheDocument();
    expect(field()).toHaveAttribute("aria-invalid", "true");

    await user.type(field(), "ab");
    expect(screen.queryByText("Type what you want to learn about.")).not.toBeInTheDocument();
    expect(field()).toHaveAttribute("aria-invalid", "false");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    expect(await screen.findByText("Use at least 3 characters so the topic is clear.")).toBeInTheDocument();
    expect(createJob).not.toHaveBeenCalled();
  });

  it("a prompt over 5,000 characters is flagged as soon as it is pasted", async () => {
    const createJob = mockMutation("generationJobs:createJob");
    const user = userEvent.setup();
    render(<Harness />);
    await user.click(field());
    await user.paste("x".repeat(5001));
    expect(screen.getByText("Keep it under 5,000 characters (this is 5,001).")).toBeInTheDocument();
    expect(screen.getByText("5,001 / 5,000", { exact: false })).toHaveClass("text-destructive");
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(createJob).not.toHaveBeenCalled();
  });

  it("Ctrl+Enter submits the trimmed prompt with an idempotency key, then closes and toasts", async () => {
    const createJob = mockMutation("generationJobs:createJob", () => Promise.resolve("job_1"));
    const user = userEvent.setup();
    render(<Harness />);
    await user.type(field(), "  NATO alphabet  ");
    await user.keyboard("{Control>}{Enter}{/Control}");

    expect(createJob).toHaveBeenCalledOnce();
    expect(createJob).toHaveBeenCalledWith({ prompt: "NATO alphabet", idempotencyKey: expect.any(String) as unknown });
    await vi.waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(toast.success).toHaveBeenCalledWith(
      "Generation started",
      expect.objectContaining({ action: expect.anything() as unknown }),
    );

    // The toast's action opens the background tasks panel.
    const options = toast.success.mock.calls[0]?.[1] as { action: { label: string; onClick: () => void } };
    expect(options.action.label).toBe("View progress");
    options.action.onClick();
    expect(openTasksPanel).toHaveBeenCalled();
  });

  it("Cmd+Enter submits too", async () => {
    const createJob = mockMutation("generationJobs:createJob", () => Promise.resolve("job_1"));
    const user = userEvent.setup();
    render(<Harness />);
    await user.type(field(), "Periodic table");
    await user.keyboard("{Meta>}{Enter}{/Meta}");
    expect(createJob).toHaveBeenCalledOnce();
  });

  it("a double submit makes one call; the button shows progress meanwhile", async () => {
    const pending = deferred<string>();
    const createJob = mockMutation("generationJobs:createJob", () => pending.promise);
    const user = userEvent.setup();
    render(<Harness />);
    await user.type(field(), "React hooks");
    await user.keyboard("{Control>}{Enter}{/Control}");
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(screen.getByRole("button", { name: /Starting/ })).toBeDisabled();
    expect(createJob).toHaveBeenCalledOnce();
    await act(async () => {
      pending.resolve("job_1");
      await pending.promise;
    });
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("a concurrency refusal is shown inline with a way to the tasks; the modal stays open with the prompt", async () => {
    mockMutation("generationJobs:createJob", () =>
      Promise.reject(
        new ConvexError({
          code: "CONCURRENCY_LIMIT",
          message: "You already have 3 generations running. Wait for one to finish or cancel one, then try again.",
        }),
      ),
    );
    const user = userEvent.setup();
    render(<Harness />);
    await user.type(field(), "Organic chemistry basics");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("All 3 generations are running.");
    await user.click(screen.getByRole("button", { name: "View tasks" }));
    expect(openTasksPanel).toHaveBeenCalledWith("active");
    expect(toast.error).not.toHaveBeenCalled();
    expect(screen.getByRole("dialog", { name: "Generate questions" })).toBeInTheDocument();
    expect(field()).toHaveValue("Organic chemistry basics");
    expect(onOpenChange).not.toHaveBeenCalledWith(false);
  });

  it("a rate limit refusal disables the button with a countdown, then lets the user try again", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vi.setSystemTime(Date.UTC(2030, 0, 15, 10, 0, 0)); // on a second, like the shared clock
    mockMutation("generationJobs:createJob", () =>
      Promise.reject(
        new ConvexError({
          code: "RATE_LIMITED",
          message: "You're starting generations too quickly. Try again in 3 minutes.",
          retryAfterMs: 180_000,
        }),
      ),
    );
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    render(<Harness />);
    await user.type(field(), "Roman emperors");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    const button = await screen.findByRole("button", { name: "Try again in 3:00" });
    expect(button).toBeDisabled();
    expect(screen.getByRole("alert")).toHaveTextContent("The next one can start in 3:00; your prompt is kept.");
    act(() => void vi.advanceTimersByTime(61_000));
    expect(screen.getByRole("button", { name: "Try again in 1:59" })).toBeDisabled();
    act(() => void vi.advanceTimersByTime(120_000));
    expect(screen.getByRole("button", { name: "Generate questions" })).toBeEnabled();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(field()).toHaveValue("Roman emperors");
    expect(toast.error).not.toHaveBeenCalled();
    vi.useRealTimers();
  });

  it("shows how many generations run, and at the limit says so before submit", () => {
    setQueryResult("admission:getStartAllowance", { ...allowance, running: 2 });
    const { rerender } = render(<Harness />);
    expect(screen.getByTestId("running-count")).toHaveTextContent("2 of 3 running");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    setQueryResult("admission:getStartAllowance", { ...allowance, running: 3 });
    rerender(<Harness />);
    expect(screen.getByRole("alert")).toHaveTextContent("All 3 generations are running.");
    expect(screen.getByRole("button", { name: "Generate questions" })).toBeDisabled();
  });

  it("while the rate limit's bucket is empty, the countdown shows before any submit", () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vi.setSystemTime(Date.UTC(2030, 0, 15, 10, 0, 0)); // on a second, like the shared clock
    setQueryResult("admission:getStartAllowance", { ...allowance, rateLimitedUntil: Date.now() + 42_000 });
    render(<Harness />);
    expect(screen.getByRole("button", { name: "Try again in 0:42" })).toBeDisabled();
    vi.useRealTimers();
  });

  it("a server that does not answer: gives up after 10 s with a message, keeps the prompt", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vi.setSystemTime(Date.UTC(2030, 0, 15, 10, 0, 0)); // on a second, like the shared clock
    const answer = deferred<string>();
    mockMutation("generationJobs:createJob", () => answer.promise);
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    render(<Harness />);
    await user.type(field(), "Baroque composers");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    expect(screen.getByRole("button", { name: "Starting…" })).toBeDisabled();
    await act(async () => void (await vi.advanceTimersByTimeAsync(10_000)));
    expect(screen.getByRole("alert")).toHaveTextContent("Can't reach the server. Your prompt is kept");
    expect(field()).toHaveValue("Baroque composers");
    expect(screen.getByRole("button", { name: "Generate questions" })).toBeEnabled();
    // The request went through after all, once the connection came back: the modal closes as after a success.
    await act(async () => {
      answer.resolve("job_late");
      await answer.promise;
    });
    expect(toast.success).toHaveBeenCalledWith("Generation started", expect.anything());
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    vi.useRealTimers();
  });

  it("after giving up, Generate again (also from the modal opened again) resends the same key; one toast", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const answers = [deferred<string>(), deferred<string>(), deferred<string>()];
    const createJob = mockMutation("generationJobs:createJob", () => answers[createJob.mock.calls.length - 1]!.promise);
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    render(<Harness />);
    await user.type(field(), "Late topic");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    await act(async () => void (await vi.advanceTimersByTimeAsync(10_000)));
    expect(screen.getByRole("alert")).toHaveTextContent("Can't reach the server. Your prompt is kept");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    await act(async () => void (await vi.advanceTimersByTimeAsync(10_000)));
    // Closed and opened again: the draft is kept, and so is its key.
    await user.keyboard("{Escape}");
    await user.click(screen.getByRole("button", { name: "Reopen" }));
    expect(field()).toHaveValue("Late topic");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    expect(createJob).toHaveBeenCalledTimes(3);
    const keys = new Set(createJob.mock.calls.map(([args]) => args.idempotencyKey));
    expect(keys.size).toBe(1);
    // Back online: the server answers all three with the one job.
    await act(async () => {
      for (const answer of answers) answer.resolve("job_once");
      await Promise.all(answers.map((answer) => answer.promise));
    });
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(toast.success).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });

  it("the server's prompt rule is shown next to the field as well", async () => {
    mockMutation("generationJobs:createJob", () =>
      Promise.reject(
        new ConvexError({ code: "INVALID_PROMPT", message: "Use at least 3 characters so the topic is clear." }),
      ),
    );
    const user = userEvent.setup();
    render(<Harness />);
    await user.type(field(), "DNA");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    expect(await screen.findByText("Use at least 3 characters so the topic is clear.")).toBeInTheDocument();
    expect(field()).toHaveAttribute("aria-invalid", "true");
  });

  it("an unexpected failure gets a generic message inline and keeps the prompt", async () => {
    mockMutation("generationJobs:createJob", () =>
      Promise.reject(new Error("[CONVEX M(generationJobs:createJob)] Server Error")),
    );
    const user = userEvent.setup();
    render(<Harness />);
    await user.type(field(), "Cell biology");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Something went wrong. Please try again.");
    expect(field()).toHaveValue("Cell biology");
  });

  it("retrying the same prompt after a failure reuses its idempotency key; a new prompt gets a new one", async () => {
    const createJob = mockMutation("generationJobs:createJob", () =>
      Promise.reject(new Error("Connection lost while action was in flight")),
    );
    const user = userEvent.setup();
    render(<Harness />);
    await user.type(field(), "Greek alphabet");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Can't reach the server. Check your connection and try again.",
    );
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    await vi.waitFor(() => expect(createJob).toHaveBeenCalledTimes(2));
    const keys = createJob.mock.calls.map(([args]) => args.idempotencyKey);
    expect(keys[0]).toBe(keys[1]);

    await user.type(field(), " 2");
    await user.click(screen.getByRole("button", { name: "Generate questions" }));
    await vi.waitFor(() => expect(createJob).toHaveBeenCalledTimes(3));
    expect(createJob.mock.calls[2]?.[0].idempotencyKey).not.toBe(keys[0]);
  });

  it("after a success the draft is cleared, and the next submission is a new job (new key)", async () => {
    const createJob = mockMutation("generationJobs:createJob", () => Promise.resolve("job_1"));
    const user = userEvent.setup();
    const { rerender } = render(<Harness />);
    await user.type(field(), "Spanish verbs");
    await user.keyboard("{Control>}{Enter}{/Control}");
    await vi.waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    await user.click(screen.getByRole("button", { name: "Reopen" }));
    expect(field()).toHaveValue("");
    await user.keyboard("{Escape}");

    // "Use this prompt again" reopens with the same text: a second, separate job.
    expect(createJob).toHaveBeenCalledOnce();
    rerender(<Harness prefill={{ text: "Spanish verbs", nonce: 1 }} />);
    await user.click(screen.getByRole("button", { name: "Reopen" }));
    expect(field()).toHaveValue("Spanish verbs");
    await user.keyboard("{Control>}{Enter}{/Control}");
    await vi.waitFor(() => expect(createJob).toHaveBeenCalledTimes(2));
    expect(createJob.mock.calls[0]?.[0].idempotencyKey).not.toBe(createJob.mock.calls[1]?.[0].idempotencyKey);
  });
});
