/**
 * The statistics page: today's reviews, the streak and retention (right ÷
 * answered) at a glance; reviews per day for the last 30 days (new and
 * studied questions); the due forecast for the next 30 days; a calendar
 * heatmap of the year; and the study settings. Every chart has its numbers as
 * a table. Days are the learner's (the browser's UTC offset goes with each
 * query), and the figures follow reviews live; each minute's queries load
 * while the last figures stay on screen.
 */
"use client";

import { useQuery } from "convex/react";
import { api } from "@/convex/_generated/api";
import { useLastLoaded } from "@/hooks/use-last-loaded";
import { MINUTE_MS, useNow } from "@/hooks/use-now";
import { JOB_CONFIG } from "@/lib/constants/jobs";
import { addDays, browserUtcOffset } from "@/lib/days";
import { dailySeries, heatmapWeeks, retention, streak, type HeatmapCell } from "@/lib/stats";
import type { ReviewDay } from "@/lib/validators";
import { ServerAwayNote } from "@/components/connection-status";
import { cn } from "@/components/ui/cn";
import { Skeleton } from "@/components/ui/skeleton";
import { DataTable, DayBarChart } from "./bar-chart";
import { StudySettingsForm } from "./study-settings-form";

const HISTORY_CHART_DAYS = 30;
const HEATMAP_WEEKS = 53;

/** "Nov 23" for a "YYYY-MM-DD" day (read as a calendar date, not a moment). */
function dayLabel(day: string, options: Intl.DateTimeFormatOptions = { month: "short", day: "numeric" }): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString("en-US", { ...options, timeZone: "UTC" });
}

const percent = (rate: number | null) => (rate === null ? "–" : `${Math.round(rate * 100)}%`);

export function Statistics() {
  const minute = useNow(MINUTE_MS);
  const args = minute === 0 ? "skip" : { now: minute, utcOffsetMinutes: browserUtcOffset() };
  // The next minute's figures load while the last ones stay: a tick never closes an open table.
  const history = useLastLoaded(useQuery(api.statistics.getReviewHistory, args));
  const forecast = useLastLoaded(useQuery(api.statistics.getDueForecast, args));

  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">Statistics</h1>
        <p className="mt-1 text-sm text-muted-foreground">Your reviews, day by day, and what is coming up.</p>
      </header>
      {history === undefined || forecast === undefined ? (
        <ServerAwayNote what="your statistics">
          <div role="status" aria-label="Loading statistics" className="space-y-4">
            <Skeleton className="h-24 w-full rounded-xl" />
            <Skeleton className="h-64 w-full rounded-xl" />
          </div>
        </ServerAwayNote>
      ) : (
        <>
          <Overview days={history.days} today={history.today} />
          <ReviewsPerDay days={history.days} today={history.today} />
          <DueForecast counts={forecast.counts} today={forecast.today} capped={forecast.capped} />
          <Heatmap days={history.days} today={history.today} />
        </>
      )}
      <Section id="study-settings" title="Study settings">
        <StudySettingsForm />
      </Section>
    </div>
  );
}

function Section({
  id,
  title,
  children,
  className,
}: {
  id: string;
  title: string;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <section
      id={id}
      aria-labelledby={`${id}-title`}
      className={cn("scroll-mt-20 rounded-xl border border-border bg-card p-4 sm:p-5", className)}
    >
      <h2 id={`${id}-title`} className="mb-3 text-base font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Overview({ days, today }: { days: ReviewDay[]; today: string }) {
  const todays = days.find((d) => d.day === today);
  const month = retention(dailySeries(days, today, HISTORY_CHART_DAYS));
  const year = retention(days);
  const tiles = [
    { label: "Reviews today", value: String(todays?.reviews ?? 0), detail: `${todays?.newCards ?? 0} new` },
    { label: "Streak", value: `${streak(days, today)} d`, detail: "days in a row" },
    { label: "Retention, 30 days", value: percent(month.rate), detail: `${month.correct} right of ${month.answered}` },
    { label: "Retention, 1 year", value: percent(year.rate), detail: `${year.correct} right of ${year.answered}` },
  ];
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title" className="sr-only">
        Overview
      </h2>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {tiles.map(({ label, value, detail }) => (
          <div key={label} className="rounded-xl border border-border bg-card p-3">
            <dt className="text-xs text-muted-foreground">{label}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
            <dd className="text-xs text-muted-foreground">{detail}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function ReviewsPerDay({ days, today }: { days: ReviewDay[]; today: string }) {
  const rows = dailySeries(days, today, HISTORY_CHART_DAYS).map((d) => ({
    label: dayLabel(d.day),
    studied: d.reviews - d.newCards,
    new: d.newCards,
    right: d.reviews === 0 ? "–" : percent(d.correct / d.reviews),
  }));
  const total = rows.reduce((sum, r) => sum + r.studied + r.new, 0);
  return (
    <Section id="reviews-per-day" title="Reviews per day">
      <p className="mb-2 text-sm text-muted-foreground">
        {total} {total === 1 ? "review" : "reviews"} in the last {HISTORY_CHART_DAYS} days.
      </p>
      <DayBarChart
        rows={rows}
        rowHeader="Day"
        series={[
          { key: "studied", label: "Studied", color: "var(--color-primary)" },
          { key: "new", label: "New", color: "var(--color-success)" },
        ]}
      />
    </Section>
  );
}

function DueForecast({ counts, today, capped }: { counts: number[]; today: string; capped: boolean }) {
  const rows = counts.map((due, i) => ({
    label: i === 0 ? "Today" : i === 1 ? "Tomorrow" : dayLabel(addDays(today, i)),
    due,
  }));
  const total = counts.reduce((sum, n) => sum + n, 0);
  return (
    <Section id="due-forecast" title="Due forecast">
      <p className="mb-2 text-sm text-muted-foreground">
        {capped ? "At least " : ""}
        {total} studied {total === 1 ? "question comes" : "questions come"} due in the next {JOB_CONFIG.FORECAST_DAYS}{" "}
        days ({counts[0] ?? 0} today, overdue included). New questions come on top, up to your daily limit.
      </p>
      <DayBarChart rows={rows} rowHeader="Day" series={[{ key: "due", label: "Due", color: "var(--color-primary)" }]} />
    </Section>
  );
}

const LEVEL_CLASSES: Record<HeatmapCell["level"], string> = {
  0: "bg-muted",
  1: "bg-primary/25",
  2: "bg-primary/50",
  3: "bg-primary/75",
  4: "bg-primary",
};

function Heatmap({ days, today }: { days: ReviewDay[]; today: string }) {
  const weeks = heatmapWeeks(days, today, HEATMAP_WEEKS);
  const studied = days.filter((d) => d.reviews > 0);
  const byMonth = new Map<string, { days: number; reviews: number }>();
  for (const d of studied) {
    const month = d.day.slice(0, 7);
    const entry = byMonth.get(month) ?? { days: 0, reviews: 0 };
    byMonth.set(month, { days: entry.days + 1, reviews: entry.reviews + d.reviews });
  }
  return (
    <Section id="calendar" title="Calendar">
      <p className="mb-3 text-sm text-muted-foreground">
        Reviewed on {studied.length} of the last {JOB_CONFIG.STATS_HISTORY_DAYS} days.
      </p>
      <div
        aria-hidden="true"
        className="grid gap-[2px]"
        style={{ gridTemplateColumns: `repeat(${HEATMAP_WEEKS}, minmax(0, 1fr))` }}
      >
        {weeks.map((week, w) => (
          <div key={w} className="grid gap-[2px]">
            {week.map((cell, d) =>
              cell === null ? (
                <span key={d} className="aspect-square" />
              ) : (
                <span
                  key={d}
                  data-level={cell.level}
                  title={`${dayLabel(cell.day, { weekday: "short", month: "short", day: "numeric" })}: ${cell.reviews} ${cell.reviews === 1 ? "review" : "reviews"}`}
                  className={cn("aspect-square rounded-[2px]", LEVEL_CLASSES[cell.level])}
                />
              ),
            )}
          </div>
        ))}
      </div>
      <div aria-hidden="true" className="mt-2 flex items-center justify-end gap-1 text-xs text-muted-foreground">
        Less
        {([0, 1, 2, 3, 4] as const).map((level) => (
          <span key={level} className={cn("size-2.5 rounded-[2px]", LEVEL_CLASSES[level])} />
        ))}
        More
      </div>
      <DataTable
        rowHeader="Month"
        columns={["Days studied", "Reviews"]}
        rows={[...byMonth.entries()].map(([month, { days: count, reviews }]) => ({
          label: new Date(`${month}-15T12:00:00Z`).toLocaleDateString("en-US", {
            month: "long",
            year: "numeric",
            timeZone: "UTC",
          }),
          values: [String(count), String(reviews)],
        }))}
      />
    </Section>
  );
}
