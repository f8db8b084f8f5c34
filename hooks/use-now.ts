/**
 * The current time, re-rendering on a shared ticker: every component asking
 * for the same interval shares one timer. Times are aligned to the interval
 * (a minute clock changes at :00), so queries keyed on them re-run rarely and
 * all at once. Returns 0 on the server, where nothing time-based is rendered.
 */
"use client";

import { useSyncExternalStore } from "react";

type Ticker = { now: number; listeners: Set<() => void>; timer: ReturnType<typeof setTimeout> | null };

const tickers = new Map<number, Ticker>();

function aligned(intervalMs: number): number {
  return Math.floor(Date.now() / intervalMs) * intervalMs;
}

function tickerFor(intervalMs: number): Ticker {
  let ticker = tickers.get(intervalMs);
  if (!ticker) {
    ticker = { now: aligned(intervalMs), listeners: new Set(), timer: null };
    tickers.set(intervalMs, ticker);
  }
  return ticker;
}

function schedule(intervalMs: number, ticker: Ticker) {
  const wait = intervalMs - (Date.now() % intervalMs) + 5;
  ticker.timer = setTimeout(() => {
    ticker.now = aligned(intervalMs);
    ticker.listeners.forEach((listener) => listener());
    schedule(intervalMs, ticker);
  }, wait);
}

function subscribe(intervalMs: number, listener: () => void): () => void {
  const ticker = tickerFor(intervalMs);
  ticker.listeners.add(listener);
  if (ticker.timer === null) {
    ticker.now = aligned(intervalMs);
    schedule(intervalMs, ticker);
  }
  return () => {
    ticker.listeners.delete(listener);
    if (ticker.listeners.size === 0 && ticker.timer !== null) {
      clearTimeout(ticker.timer);
      ticker.timer = null;
    }
  };
}

/** `Date.now()` floored to `intervalMs`, updated when the next interval starts. */
export function useNow(intervalMs: number = 30_000): number {
  return useSyncExternalStore(
    (listener) => subscribe(intervalMs, listener),
    () => {
      const ticker = tickerFor(intervalMs);
      // Between mounts the timer may be stopped: never hand out a stale time.
      if (ticker.timer === null) ticker.now = aligned(intervalMs);
      return ticker.now;
    },
    () => 0,
  );
}

export const MINUTE_MS = 60_000;
