/**
 * Progress bar (Radix): `value` 0..100, or null for an indeterminate bar.
 * `label` names the bar for screen readers; `valueText` says where it is.
 */
"use client";

import * as ProgressPrimitive from "@radix-ui/react-progress";
import { cn } from "./cn";

type ProgressProps = {
  value: number | null;
  label: string;
  valueText?: string;
  className?: string;
  tone?: "primary" | "success" | "danger" | "muted";
};

const INDICATOR_TONES = {
  primary: "bg-primary",
  success: "bg-success",
  danger: "bg-destructive",
  muted: "bg-muted-foreground/50",
} as const;

export function Progress({ value, label, valueText, className, tone = "primary" }: ProgressProps) {
  const clamped = value === null ? null : Math.max(0, Math.min(100, value));
  return (
    <ProgressPrimitive.Root
      value={clamped}
      max={100}
      aria-label={label}
      getValueLabel={valueText ? () => valueText : undefined}
      className={cn("relative h-1.5 w-full overflow-hidden rounded-full bg-muted", className)}
    >
      {clamped === null ? (
        <ProgressPrimitive.Indicator
          className={cn(
            "absolute inset-y-0 left-0 w-2/5 rounded-full animate-indeterminate motion-reduce:animate-none motion-reduce:opacity-60",
            INDICATOR_TONES[tone],
          )}
        />
      ) : (
        <ProgressPrimitive.Indicator
          className={cn("h-full rounded-full transition-[width] duration-500 ease-out", INDICATOR_TONES[tone])}
          style={{ width: `${clamped}%` }}
        />
      )}
    </ProgressPrimitive.Root>
  );
}
