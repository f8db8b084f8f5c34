import { createEmptyCard } from "ts-fsrs";
import { describe, expect, test } from "vitest";
import { cardFromDb, cardToDb, newCard, previewReview, scheduleReview } from "./fsrs";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe("FSRS mapping", () => {
  test("a new card is due at once, in state new, with ts-fsrs's initial values", () => {
    const card = newCard(NOW);
    expect(card).toEqual({
      state: "new",
      due: NOW,
      stability: 0,
      difficulty: 0,
      elapsedDays: 0,
      scheduledDays: 0,
      learningSteps: 0,
      reps: 0,
      lapses: 0,
    });
  });

  test("round-trips through the stored shape", () => {
    const reviewed = scheduleReview(newCard(NOW), "good", NOW);
    expect(cardToDb(cardFromDb(reviewed))).toEqual(reviewed);
    const empty = createEmptyCard(new Date(NOW));
    expect(cardFromDb(cardToDb(empty))).toEqual(empty);
  });
});

describe("scheduling", () => {
  test("harder ratings come back sooner", () => {
    const card = newCard(NOW);
    const next = previewReview(card, NOW);
    expect(next.again).toBeLessThan(next.hard);
    expect(next.hard).toBeLessThanOrEqual(next.good);
    expect(next.good).toBeLessThan(next.easy);
    expect(next.again - NOW).toBeLessThan(10 * MINUTE);
    expect(next.easy - NOW).toBeGreaterThanOrEqual(DAY);
  });

  test("the preview is exactly the schedule the review produces", () => {
    const card = scheduleReview(newCard(NOW), "good", NOW);
    const later = card.due + 1000;
    const preview = previewReview(card, later);
    for (const rating of ["again", "hard", "good", "easy"] as const) {
      expect(scheduleReview(card, rating, later).due).toBe(preview[rating]);
    }
  });

  test("a review records reps, last review and lapses", () => {
    const learned = scheduleReview(scheduleReview(newCard(NOW), "easy", NOW), "good", NOW + 5 * DAY);
    expect(learned.state).toBe("review");
    expect(learned.reps).toBe(2);
    expect(learned.lastReview).toBe(NOW + 5 * DAY);
    const forgotten = scheduleReview(learned, "again", learned.due);
    expect(forgotten.lapses).toBe(1);
    expect(forgotten.state).toBe("relearning");
  });
});
