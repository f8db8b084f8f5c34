/** "This question is wrong": a dialog for an optional reason, then the question is flagged and suspended. */
"use client";

import { Flag } from "lucide-react";
import { useState, type FormEvent } from "react";
import { JOB_CONFIG } from "@/lib/constants/jobs";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Spinner } from "@/components/ui/spinner";
import { Textarea } from "@/components/ui/textarea";

type FlagQuestionButtonProps = { onFlag: (reason: string) => Promise<boolean>; className?: string };

export function FlagQuestionButton({ onFlag, className }: FlagQuestionButtonProps) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    try {
      if (await onFlag(reason)) setOpen(false);
    } finally {
      setSaving(false);
    }
  }

  return (
    <>
      <Button variant="ghost" size="sm" className={className} onClick={() => setOpen(true)}>
        <Flag aria-hidden="true" /> This question is wrong
      </Button>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Flag this question as wrong</DialogTitle>
            <DialogDescription>
              It is suspended (no longer shown in review) and marked in My Questions, where you can fix or delete it.
            </DialogDescription>
          </DialogHeader>
          <form onSubmit={(event) => void submit(event)} className="space-y-2">
            <Label htmlFor="flag-reason">What is wrong? (optional)</Label>
            <Textarea
              id="flag-reason"
              value={reason}
              maxLength={JOB_CONFIG.MAX_FLAG_REASON_LENGTH}
              onChange={(e) => setReason(e.target.value)}
              rows={3}
            />
            <DialogFooter>
              <Button variant="secondary" onClick={() => setOpen(false)} disabled={saving}>
                Cancel
              </Button>
              <Button type="submit" disabled={saving}>
                {saving && <Spinner />} Flag and suspend
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
    </>
  );
}
