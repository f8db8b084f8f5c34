/**
 * FSRS scheduling (ts-fsrs) and its mapping to the `card` stored on each
 * question. Shared: the server schedules reviews, the review screen previews
 * "next due" for each rating with the very same function.
 */
import { createEmptyCard, fsrs, Rating, State, type Card, type Grade } from "ts-fsrs";
import type { CardFields, CardState, ReviewRating } from "./validators";

/** Default FSRS parameters, no fuzz: the preview a user sees is the schedule they get. */
const scheduler = fsrs();

const STATE_TO_DB: Record<State, CardState> = {
  [State.New]: "new",
  [State.Learning]: "learning",
  [State.Review]: "review",
  [State.Relearning]: "relearning",
};
const STATE_FROM_DB: Record<CardState, State> = {
  new: State.New,
  learning: State.Learning,
  review: State.Review,
  relearning: State.Relearning,
};
const RATING_TO_GRADE: Record<ReviewRating, Grade> = {
  again: Rating.Again,
  hard: Rating.Hard,
  good: Rating.Good,
  easy: Rating.Easy,
};

export function cardToDb(card: Card): CardFields {
  return {
    state: STATE_TO_DB[card.state],
    due: card.due.getTime(),
    stability: card.stability,
    difficulty: card.difficulty,
    elapsedDays: card.elapsed_days,
    scheduledDays: card.scheduled_days,
    learningSteps: card.learning_steps,
    reps: card.reps,
    lapses: card.lapses,
    ...(card.last_review ? { lastReview: card.last_review.getTime() } : {}),
  };
}

export function cardFromDb(fields: CardFields): Card {
  return {
    state: STATE_FROM_DB[fields.state],
    due: new Date(fields.due),
    stability: fields.stability,
    difficulty: fields.difficulty,
    elapsed_days: fields.elapsedDays,
    scheduled_days: fields.scheduledDays,
    learning_steps: fields.learningSteps,
    reps: fields.reps,
    lapses: fields.lapses,
    ...(fields.lastReview !== undefined ? { last_review: new Date(fields.lastReview) } : {}),
  };
}

/** A new card, due immediately: a freshly generated question is ready to review. */
export function newCard(now: number): CardFields {
  return cardToDb(createEmptyCard(new Date(now)));
}

/** The card after answering with `rating` at `now`. */
export function scheduleReview(card: CardFields, rating: ReviewRating, now: number): CardFields {
  return cardToDb(scheduler.next(cardFromDb(card), new Date(now), RATING_TO_GRADE[rating]).card);
}

/** When the card would be due next for each rating (shown on the rating buttons). */
export function previewReview(card: CardFields, now: number): Record<ReviewRating, number> {
  const preview = scheduler.repeat(cardFromDb(card), new Date(now));
  return {
    again: preview[Rating.Again].card.due.getTime(),
    hard: preview[Rating.Hard].card.due.getTime(),
    good: preview[Rating.Good].card.due.getTime(),
    easy: preview[Rating.Easy].card.due.getTime(),
  };
}
