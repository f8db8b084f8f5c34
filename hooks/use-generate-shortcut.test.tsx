/** The Generate shortcut: "g" opens it, except while typing, with modifiers, or over a dialog. */
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { useGenerateShortcut } from "./use-generate-shortcut";

function Page({ open, dialog = false }: { open: () => void; dialog?: boolean }) {
  useGenerateShortcut(open);
  return (
    <div>
      <button type="button">Somewhere</button>
      <input aria-label="Search" />
      {dialog && <div role="dialog">A dialog</div>}
    </div>
  );
}

describe("useGenerateShortcut", () => {
  it("opens Generate on g, not while typing or with a modifier", async () => {
    const open = vi.fn();
    const user = userEvent.setup();
    render(<Page open={open} />);
    await user.click(screen.getByRole("button", { name: "Somewhere" }));
    await user.keyboard("g");
    expect(open).toHaveBeenCalledTimes(1);
    await user.keyboard("{Control>}g{/Control}");
    await user.click(screen.getByRole("textbox", { name: "Search" }));
    await user.keyboard("g");
    expect(open).toHaveBeenCalledTimes(1);
  });

  it("does nothing while a dialog is open", async () => {
    const open = vi.fn();
    const user = userEvent.setup();
    render(<Page open={open} dialog />);
    await user.keyboard("g");
    expect(open).not.toHaveBeenCalled();
  });
});
