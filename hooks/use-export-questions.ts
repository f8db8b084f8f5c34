/**
 * Export the questions of a My Questions view as a file: the client walks
 * `listMyQuestions` a page (`MAX_PAGE_SIZE`) at a time, in the view's filter and
 * order, so any number exports without one query reading them all (a search's
 * matches are already in hand), then builds the file in the browser
 * (`lib/export.ts`) and downloads it. A toast follows the progress.
 */
"use client";

import { useConvex } from "convex/react";
import type { PaginationResult } from "convex/server";
import { useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import { JOB_CONFIG } from "@/lib/constants/jobs";
import { userFacingMessage } from "@/lib/errors";
import { exportFileName, toAnkiTsv, toCsv, type ExportFormat } from "@/lib/export";
import { plural } from "@/lib/jobs";
import type { QuestionView } from "@/lib/questionFilters";
import type { QuestionDoc } from "@/lib/validators";

export function useExportQuestions() {
  const convex = useConvex();
  const [exporting, setExporting] = useState(false);

  /** Downloads the questions of a view (its filter and order), or `source`'s own, as `format`; `viewName` names the file. */
  async function exportQuestions(
    format: ExportFormat,
    source: QuestionView | QuestionDoc[],
    viewName?: string,
  ): Promise<void> {
    setExporting(true);
    const toastId = toast.loading("Exporting…");
    try {
      const questions: QuestionDoc[] = Array.isArray(source) ? [...source] : [];
      let cursor: string | null = null;
      while (!Array.isArray(source)) {
        const { show, topic, jobId, sourceId, sort } = source;
        const page: PaginationResult<QuestionDoc> = await convex.query(api.myQuestions.listMyQuestions, {
          paginationOpts: { numItems: JOB_CONFIG.MAX_PAGE_SIZE, cursor },
          ...(show !== undefined ? { show, now: Date.now() } : {}),
          ...(topic !== undefined ? { topic } : {}),
          ...(jobId !== undefined ? { jobId } : {}),
          ...(sourceId !== undefined ? { sourceId } : {}),
          ...(sort !== undefined ? { sort } : {}),
        });
        questions.push(...page.page);
        toast.loading(`Exporting… ${plural(questions.length, "question")}`, { id: toastId });
        if (page.isDone) break;
        cursor = page.continueCursor;
      }
      // A byte-order mark lets spreadsheets read the CSV as UTF-8; Anki reads its headers from the first byte.
      const text = format === "csv" ? `\uFEFF${toCsv(questions)}` : toAnkiTsv(questions, viewName);
      download(
        text,
        exportFileName(format, viewName, new Date()),
        format === "csv" ? "text/csv;charset=utf-8" : "text/plain;charset=utf-8",
      );
      toast.success(`Exported ${plural(questions.length, "question")}`, { id: toastId });
    } catch (error) {
      toast.error("Couldn't export", { id: toastId, description: userFacingMessage(error) });
    } finally {
      setExporting(false);
    }
  }

  return { exportQuestions, exporting };
}

function download(text: string, fileName: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
