/** Error boundary of the signed-in screens: says what happened and offers a way back. */
"use client";

import { TriangleAlert } from "lucide-react";
import { useEffect } from "react";
import { Button } from "@/components/ui/button";
import { userFacingMessage } from "@/lib/errors";

export default function SignedInError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <div role="alert" className="mx-auto flex max-w-lg flex-col items-center py-16 text-center">
      <TriangleAlert aria-hidden="true" className="size-8 text-destructive" />
      <h1 className="mt-4 text-xl font-semibold tracking-tight">Something went wrong on this screen</h1>
      <p className="mt-2 text-muted-foreground">{userFacingMessage(error)}</p>
      {error.digest && <p className="mt-1 font-mono text-xs text-muted-foreground">Reference: {error.digest}</p>}
      <div className="mt-6 flex gap-2">
        <Button onClick={reset}>Try again</Button>
        <Button variant="secondary" onClick={() => window.location.assign("/")}>
          Go to review
        </Button>
      </div>
    </div>
  );
}
