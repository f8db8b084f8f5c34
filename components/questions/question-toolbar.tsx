/**
 * My Questions' controls: search, what to show (all, due, flagged, suspended, "Needs a look"), which topic, generation or
 * material (a source's questions are shown all together), and
 * the order (the ones the view offers; a search orders by best match). Every choice lives in the URL.
 */
"use client";

import { useQuery } from "convex/react";
import { Search, X } from "lucide-react";
import { useEffect, useId, useState } from "react";
import { api } from "@/convex/_generated/api";
import { useActiveJobs } from "@/hooks/use-active-jobs";
import { plural } from "@/lib/jobs";
import { SHOW_FILTERS, SORT_LABELS, effectiveSort, sortsFor, type QuestionView } from "@/lib/questionFilters";
import { QUESTION_SHOWS, type QuestionShow, type QuestionSort } from "@/lib/validators";
import { jobTitle } from "@/components/job-status";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import {
  Select,
  SelectContent,
  SelectGroup,
  SelectItem,
  SelectLabel,
  SelectSeparator,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import { TopicActions } from "./topic-actions";

/** How long typing pauses before the search runs. */
const SEARCH_DEBOUNCE_MS = 300;
const ALL = "all";
const BEST_MATCH = "best";

type QuestionToolbarProps = {
  view: QuestionView;
  /** Shows another view (the URL follows). */
  onChange: (view: QuestionView) => void;
  className?: string;
};

export function QuestionToolbar({ view, onChange, className }: QuestionToolbarProps) {
  const searching = (view.search?.trim() ?? "") !== "";
  const sorts = sortsFor(view);
  const sort = effectiveSort(view, view.sort);
  return (
    <div className={cn("space-y-3", className)}>
      <SearchBox search={view.search ?? ""} onSearch={(search) => onChange({ ...view, search })} />
      <div className="grid gap-3 sm:grid-cols-[1fr_1fr_1fr]">
        <LabelledSelect
          label="Show"
          value={view.show ?? "all"}
          // A source's questions are listed all together (`filterProblem`).
          disabled={view.sourceId !== undefined}
          onChange={(show) => onChange({ ...view, show: show as QuestionShow })}
        >
          {QUESTION_SHOWS.map((show) => (
            <SelectItem key={show} value={show}>
              {SHOW_FILTERS[show].label}
            </SelectItem>
          ))}
        </LabelledSelect>
        <div className="flex items-end gap-2">
          <ScopeSelect view={view} onChange={onChange} />
          {view.topic !== undefined && (
            <TopicActions topic={view.topic} onMoved={(topic) => onChange({ ...view, topic })} />
          )}
        </div>
        <LabelledSelect
          label="Order"
          value={searching ? BEST_MATCH : sort}
          disabled={searching || sorts.length < 2}
          onChange={(next) => onChange({ ...view, sort: next as QuestionSort })}
        >
          {searching && <SelectItem value={BEST_MATCH}>Best match</SelectItem>}
          {sorts.map((option) => (
            <SelectItem key={option} value={option}>
              {SORT_LABELS[option]}
            </SelectItem>
          ))}
        </LabelledSelect>
      </div>
    </div>
  );
}

/** The search field: searches as you type (after a short pause); Escape or × clears it. */
function SearchBox({ search, onSearch }: { search: string; onSearch: (search: string) => void }) {
  const [text, setText] = useState(search);
  const [seen, setSeen] = useState(search);
  const id = useId();
  // The URL changed (a link, "clear search"): show what it says.
  if (search !== seen) {
    setSeen(search);
    setText(search);
  }
  useEffect(() => {
    if (text === search) return;
    const timer = setTimeout(() => onSearch(text), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, search, onSearch]);

  return (
    <div role="search" className="relative">
      <label htmlFor={id} className="sr-only">
        Search questions
      </label>
      <Search
        aria-hidden="true"
        className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground"
      />
      <input
        id={id}
        type="search"
        value={text}
        placeholder="Search questions, options and explanations"
        autoComplete="off"
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape" && text !== "") {
            event.preventDefault();
            setText("");
            onSearch("");
          }
        }}
        className="block h-10 w-full rounded-lg border border-input bg-card pr-10 pl-9 text-base shadow-xs transition-colors placeholder:text-muted-foreground focus-visible:border-ring focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-ring/40 sm:text-sm [&::-webkit-search-cancel-button]:hidden"
      />
      {text !== "" && (
        <Button
          variant="ghost"
          size="icon-sm"
          aria-label="Clear search"
          className="absolute top-1/2 right-1.5 -translate-y-1/2"
          onClick={() => {
            setText("");
            onSearch("");
          }}
        >
          <X aria-hidden="true" />
        </Button>
      )}
    </div>
  );
}

function LabelledSelect({
  label,
  value,
  onChange,
  disabled = false,
  children,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  children: React.ReactNode;
}) {
  const id = useId();
  return (
    <div className="min-w-0 flex-1">
      <label id={id} className="mb-1.5 block text-xs font-medium text-muted-foreground">
        {label}
      </label>
      <Select value={value} onValueChange={onChange} disabled={disabled}>
        <SelectTrigger aria-labelledby={id}>
          <SelectValue />
        </SelectTrigger>
        <SelectContent>{children}</SelectContent>
      </Select>
    </div>
  );
}

/** All topics, one topic, a recent generation, or the learner's material the questions were written from. */
function ScopeSelect({ view, onChange }: QuestionToolbarProps) {
  const topics = useQuery(api.myQuestions.listMyTopics);
  const sources = useQuery(api.sources.listMySources);
  const { jobs } = useActiveJobs();
  const { topic, jobId, sourceId } = view;
  const value =
    jobId !== undefined
      ? `job:${jobId}`
      : topic !== undefined
        ? `topic:${topic}`
        : sourceId !== undefined
          ? `source:${sourceId}`
          : ALL;
  const jobsWithQuestions = jobs.filter((job) => job.questionsSaved > 0 || job._id === jobId);
  const topicNames = topics?.map((t) => t.name) ?? [];
  if (topic !== undefined && !topicNames.includes(topic)) topicNames.unshift(topic);

  function choose(next: string) {
    const { topic: _topic, jobId: _jobId, sourceId: _sourceId, ...rest } = view;
    if (next.startsWith("topic:")) onChange({ ...rest, topic: next.slice("topic:".length) });
    else if (next.startsWith("job:")) onChange({ ...rest, jobId: next.slice("job:".length) });
    else if (next.startsWith("source:")) {
      // A source's questions are listed all together.
      const { show: _show, ...all } = rest;
      onChange({ ...all, sourceId: next.slice("source:".length) });
    } else onChange(rest);
  }

  return (
    <LabelledSelect label="Topic" value={value} onChange={choose}>
      <SelectItem value={ALL}>All topics</SelectItem>
      {topicNames.length > 0 && (
        <>
          <SelectSeparator />
          <SelectGroup>
            <SelectLabel>Topics</SelectLabel>
            {topicNames.map((name) => (
              <SelectItem key={name} value={`topic:${name}`}>
                {name}
              </SelectItem>
            ))}
          </SelectGroup>
        </>
      )}
      {(jobsWithQuestions.length > 0 || jobId !== undefined) && (
        <>
          <SelectSeparator />
          <SelectGroup>
            <SelectLabel>Recent generations</SelectLabel>
            {jobId !== undefined && !jobsWithQuestions.some((job) => job._id === jobId) && (
              <SelectItem value={`job:${jobId}`}>This generation</SelectItem>
            )}
            {jobsWithQuestions.map((job) => (
              <SelectItem key={job._id} value={`job:${job._id}`}>
                {jobTitle(job)} · {plural(job.questionsSaved, "question")}
              </SelectItem>
            ))}
          </SelectGroup>
        </>
      )}
      {((sources?.length ?? 0) > 0 || sourceId !== undefined) && (
        <>
          <SelectSeparator />
          <SelectGroup>
            <SelectLabel>Your material</SelectLabel>
            {sourceId !== undefined && !sources?.some((source) => source._id === sourceId) && (
              <SelectItem value={`source:${sourceId}`}>This material</SelectItem>
            )}
            {sources?.map((source) => (
              <SelectItem key={source._id} value={`source:${source._id}`}>
                From “{source.name}”
              </SelectItem>
            ))}
          </SelectGroup>
        </>
      )}
    </LabelledSelect>
  );
}
