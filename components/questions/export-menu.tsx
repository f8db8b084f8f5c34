/** "Export" for the current My Questions view: CSV, or a tab-separated file for Anki's "Import File". */
"use client";

import { Download } from "lucide-react";
import { useExportQuestions } from "@/hooks/use-export-questions";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Spinner } from "@/components/ui/spinner";

type ExportMenuProps = { topic?: string; jobId?: string; viewName?: string };

export function ExportMenu({ topic, jobId, viewName }: ExportMenuProps) {
  const { exportQuestions, exporting } = useExportQuestions();
  const filter = jobId !== undefined ? { jobId } : topic !== undefined ? { topic } : {};
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="secondary" disabled={exporting}>
          {exporting ? <Spinner /> : <Download aria-hidden="true" />} Export
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent>
        <DropdownMenuItem onSelect={() => void exportQuestions("csv", filter, viewName)}>
          CSV (spreadsheet)
        </DropdownMenuItem>
        <DropdownMenuItem onSelect={() => void exportQuestions("anki", filter, viewName)}>
          Anki (tab-separated text)
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
