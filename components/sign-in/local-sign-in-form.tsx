/**
 * The local development sign-in: a display name, nothing else, and a clear
 * label saying what it is. Works without JavaScript (a plain form post to
 * the session route); with it, errors show inline without a reload.
 */
"use client";

import { BrainCircuit, FlaskConical } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { APP_NAME } from "@/components/app-name";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Spinner } from "@/components/ui/spinner";

type LocalSignInFormProps = { next: string; initialError?: string };

export function LocalSignInForm({ next, initialError }: LocalSignInFormProps) {
  const nameId = useId();
  const errorId = useId();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(initialError ?? null);
  const [submitting, setSubmitting] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    if (name.trim() === "") {
      setError("Enter a display name.");
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const response = await fetch("/api/local-auth/session", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name, next }),
      });
      const body = (await response.json().catch(() => ({}))) as { error?: string; next?: string };
      if (!response.ok) throw new Error(body.error ?? "Sign-in failed. Try again.");
      // A full load, so the server renders the app with the new session.
      window.location.assign(body.next ?? next);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Sign-in failed. Try again.");
      setSubmitting(false);
    }
  }

  return (
    <main className="flex flex-1 items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex items-center justify-center gap-2 text-lg font-semibold tracking-tight">
          <span className="flex size-8 items-center justify-center rounded-lg bg-primary text-primary-foreground">
            <BrainCircuit aria-hidden="true" className="size-4" />
          </span>
          {APP_NAME}
        </div>
        <div className="rounded-2xl border border-border bg-card p-6 shadow-sm sm:p-8">
          <p className="inline-flex items-center gap-1.5 rounded-full bg-warning-soft px-2.5 py-1 text-xs font-medium text-warning-soft-foreground">
            <FlaskConical aria-hidden="true" className="size-3.5" />
            Local development sign-in
          </p>
          <h1 className="mt-4 text-xl font-semibold tracking-tight">Sign in</h1>
          <p className="mt-2 text-sm leading-relaxed text-muted-foreground">
            No password: this sign-in is for running the app on your own machine. Use the same name to come back to the
            same questions.
          </p>
          <form
            action="/api/local-auth/session"
            method="post"
            onSubmit={(event) => void handleSubmit(event)}
            noValidate
            className="mt-6"
          >
            <input type="hidden" name="next" value={next} />
            <label htmlFor={nameId} className="text-sm font-medium">
              Display name
            </label>
            <Input
              id={nameId}
              name="name"
              value={name}
              onChange={(event) => setName(event.target.value)}
              autoComplete="nickname"
              maxLength={60}
              placeholder="e.g. Ada"
              aria-invalid={error !== null}
              aria-describedby={error ? errorId : undefined}
              className="mt-1.5"
            />
            <p id={errorId} role="alert" className="mt-2 min-h-5 text-sm text-destructive">
              {error}
            </p>
            <Button type="submit" size="lg" className="mt-2 w-full" disabled={submitting}>
              {submitting && <Spinner />}
              {submitting ? "Signing in…" : "Continue"}
            </Button>
          </form>
        </div>
        <p className="mt-6 text-center text-xs leading-relaxed text-muted-foreground">
          With Clerk keys configured, this page becomes Clerk&apos;s sign-in.
        </p>
      </div>
    </main>
  );
}
