/** Spinner: a small rotating icon for work in progress (decorative: pair it with text). */
import { LoaderCircle } from "lucide-react";
import { cn } from "./cn";

export function Spinner({ className }: { className?: string }) {
  return (
    <LoaderCircle aria-hidden="true" className={cn("size-4 animate-spin motion-reduce:animate-none", className)} />
  );
}
