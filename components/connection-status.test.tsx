/** The server-away banner: unreachable, connected but silent, and back again; and the note in place of skeletons. */
import { act, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConnectionStatus, SERVER_AWAY_AFTER_MS, ServerAwayNote } from "./connection-status";
import { resetConvexMocks, setQueryResult } from "./test-support/convex-mocks";

const connection = vi.hoisted(() => ({
  state: { isWebSocketConnected: true, hasEverConnected: true, connectionRetries: 0 },
}));
vi.mock("convex/react", async () => ({
  ...(await import("./test-support/convex-mocks")).convexReactMock,
  useConvexConnectionState: () => connection.state,
}));

beforeEach(() => {
  resetConvexMocks();
  vi.useFakeTimers({ shouldAdvanceTime: true });
  connection.state = { isWebSocketConnected: true, hasEverConnected: true, connectionRetries: 0 };
});
afterEach(() => vi.useRealTimers());

function App() {
  return (
    <ConnectionStatus>
      <ServerAwayNote what="your review">
        <p>skeleton</p>
      </ServerAwayNote>
    </ConnectionStatus>
  );
}

describe("ConnectionStatus", () => {
  it("says nothing while the server answers", () => {
    setQueryResult("health:ping", (args: { at: number }) => args.at);
    render(<App />);
    act(() => void vi.advanceTimersByTime(SERVER_AWAY_AFTER_MS * 3));
    expect(screen.queryByTestId("server-away")).not.toBeInTheDocument();
    expect(screen.getByText("skeleton")).toBeInTheDocument();
  });

  it("a socket that is open but never answers gets the banner after a moment, and the skeleton a note", () => {
    render(<App />); // ping never answers
    expect(screen.queryByTestId("server-away")).not.toBeInTheDocument();
    act(() => void vi.advanceTimersByTime(SERVER_AWAY_AFTER_MS));
    expect(screen.getByTestId("server-away")).toHaveTextContent(
      "Can't reach the server — retrying. Connected, but the server isn't answering.",
    );
    expect(screen.getByTestId("server-away-note")).toHaveTextContent(
      "Can't load your review until the server answers.",
    );
    expect(screen.queryByText("skeleton")).not.toBeInTheDocument();
  });

  it("a lost connection says which attempt it is on, and the banner goes once it is back", () => {
    setQueryResult("health:ping", (args: { at: number }) => args.at);
    connection.state = { isWebSocketConnected: false, hasEverConnected: true, connectionRetries: 2 };
    const { rerender } = render(<App />);
    act(() => void vi.advanceTimersByTime(SERVER_AWAY_AFTER_MS));
    expect(screen.getByTestId("server-away")).toHaveTextContent("Connection lost (attempt 3).");
    connection.state = { isWebSocketConnected: true, hasEverConnected: true, connectionRetries: 0 };
    rerender(<App />);
    expect(screen.queryByTestId("server-away")).not.toBeInTheDocument();
  });
});
