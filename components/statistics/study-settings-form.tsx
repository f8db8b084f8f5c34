/**
 * Study settings: new cards per day (0 to `NEW_CARDS_PER_DAY_MAX`), checked
 * here with the server's rule and saved with `settings.updateSettings`; a
 * refusal is shown next to the field, the value typed kept.
 */
"use client";

import { useMutation, useQuery } from "convex/react";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import { JOB_CONFIG } from "@/lib/constants/jobs";
import { userFacingMessage } from "@/lib/errors";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";

const MAX = JOB_CONFIG.NEW_CARDS_PER_DAY_MAX;

export function StudySettingsForm() {
  const settings = useQuery(api.settings.getSettings);
  const updateSettings = useMutation(api.settings.updateSettings);
  const fieldId = useId();
  const hintId = useId();
  /** What the learner typed; null until they type (the saved value shows). */
  const [typed, setTyped] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  if (!settings) return <Skeleton className="h-24 w-full rounded-xl" />;
  const value = typed ?? String(settings.newCardsPerDay);

  async function save(event: FormEvent) {
    event.preventDefault();
    const newCardsPerDay = Number(value.trim());
    if (value.trim() === "" || !Number.isInteger(newCardsPerDay) || newCardsPerDay < 0 || newCardsPerDay > MAX) {
      setError(`Enter a whole number from 0 to ${MAX}.`);
      return;
    }
    setSaving(true);
    try {
      await updateSettings({ newCardsPerDay });
      setTyped(null);
      setError(null);
      toast.success("Saved", {
        description:
          newCardsPerDay === 0
            ? "No new questions until you change it."
            : `Up to ${newCardsPerDay} new questions a day.`,
      });
    } catch (caught) {
      setError(userFacingMessage(caught));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={(event) => void save(event)} noValidate className="flex flex-wrap items-end gap-3">
      <div className="min-w-48 flex-1">
        <Label htmlFor={fieldId}>New questions per day</Label>
        <Input
          id={fieldId}
          className="mt-1.5 max-w-40"
          inputMode="numeric"
          value={value}
          onChange={(event) => {
            setTyped(event.target.value);
            setError(null);
          }}
          aria-invalid={error !== null}
          aria-describedby={hintId}
        />
        <p
          id={hintId}
          aria-live="polite"
          className={error ? "mt-1.5 text-sm text-destructive" : "mt-1.5 text-sm text-muted-foreground"}
        >
          {error ??
            `How many never-seen questions review brings in a day, on your clock (0 to ${MAX}; 0 pauses them). Questions you have studied are always due.`}
        </p>
      </div>
      <Button type="submit" variant="secondary" disabled={saving || typed === null}>
        {saving && <Spinner />}
        Save
      </Button>
    </form>
  );
}
