/**
 * The generation modal: one prompt, or the learner's own material (a file,
 * pasted text, or material stored before) with what to focus on, submitted as
 * a background job. Closes the moment the job exists ("Generation started" toast, with a way to the
 * panel); on a server error it stays open with the prompt as typed. The draft
 * survives closing the modal until a job is created from it.
 */
"use client";

import { useState } from "react";
import { PromptForm } from "./prompt-form";
import { Button } from "./ui/button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "./ui/dialog";

type GenerationModalProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** A prompt to start from; a new `nonce` replaces the draft with `text` (and chooses the stored material `sourceId`). */
  prefill?: { text: string; nonce: number; sourceId?: string };
  /** Where focus goes on close (the modal has no Radix trigger to return to). */
  onCloseAutoFocus?: (event: Event) => void;
};

export function GenerationModal({ open, onOpenChange, prefill, onCloseAutoFocus }: GenerationModalProps) {
  const [prompt, setPrompt] = useState(prefill?.text ?? "");
  const [appliedNonce, setAppliedNonce] = useState(prefill?.nonce);
  if (prefill && prefill.nonce !== appliedNonce) {
    setAppliedNonce(prefill.nonce);
    setPrompt(prefill.text);
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent onCloseAutoFocus={onCloseAutoFocus} className="sm:max-h-[80dvh]">
        <DialogHeader>
          <DialogTitle>
            {/* The id stays on an inner span: Radix names the dialog by the title's own id. */}
            <span id="generation-modal-title">Generate questions</span>
          </DialogTitle>
          <DialogDescription>
            Name a topic, or use your own material: notes, a chapter, a PDF. Questions are written in the background and
            appear in My Questions one by one.
          </DialogDescription>
        </DialogHeader>
        <PromptForm
          prompt={prompt}
          onPromptChange={setPrompt}
          withSource
          {...(prefill?.sourceId !== undefined
            ? { presetSource: { sourceId: prefill.sourceId, nonce: prefill.nonce } }
            : {})}
          labelledBy="generation-modal-title"
          rows={5}
          onCreated={() => {
            setPrompt("");
            onOpenChange(false);
          }}
          secondaryAction={
            <DialogClose asChild>
              <Button variant="ghost">Cancel</Button>
            </DialogClose>
          }
        />
      </DialogContent>
    </Dialog>
  );
}
