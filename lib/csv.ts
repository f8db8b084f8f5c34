/**
 * Delimited text (CSV, tab-separated) into records, each with the line it starts on. Pure: the import
 * reads files through it (`lib/importFile.ts`).
 */

/** One record: its fields, and the (1-based) line of the file it starts on. */
export type DelimitedRecord = { line: number; fields: string[] };

/**
 * The records of `text` (RFC 4180, as spreadsheets and Anki write it): fields split by `separator`; a field
 * that starts with `"` is quoted and may hold the separator, line breaks and `""` for a quote; records end
 * at CRLF, LF or CR. A quote inside an unquoted field is kept as it is. Blank lines are skipped.
 * `firstLine` numbers the first line of `text` (when a file's header lines were read apart).
 * `unclosedQuoteAt` is the line of a record whose quoted field never ends (the rest of the text would be in
 * it): that record is left out.
 */
export function parseDelimited(
  text: string,
  separator: string,
  firstLine = 1,
): { records: DelimitedRecord[]; unclosedQuoteAt?: number } {
  const records: DelimitedRecord[] = [];
  const fieldEnd = new RegExp(`[${separator.replace(/[\\\]^-]/g, "\\$&")}\r\n]`, "g");
  let fields: string[] = [];
  let line = firstLine;
  let recordLine = firstLine;
  let i = 0;
  while (i <= text.length) {
    // One field: quoted ("…", "" inside), then whatever follows up to the separator or the line's end.
    let field = "";
    if (text[i] === '"') {
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) return { records, unclosedQuoteAt: recordLine };
        const chunk = text.slice(from, quote);
        line += lineBreaks(chunk);
        field += chunk;
        if (text[quote + 1] === '"') {
          field += '"';
          from = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
    }
    fieldEnd.lastIndex = i;
    const end = fieldEnd.exec(text);
    const stop = end ? end.index : text.length;
    field += text.slice(i, stop);
    fields.push(field);
    if (end && end[0] === separator) {
      i = stop + 1;
      continue;
    }
    // The record ends here (a line break, or the end of the text).
    if (fields.some((f) => f.trim() !== "")) records.push({ line: recordLine, fields });
    fields = [];
    if (!end) break;
    i = stop + (text[stop] === "\r" && text[stop + 1] === "\n" ? 2 : 1);
    line++;
    recordLine = line;
  }
  return { records };
}

/** Line breaks (CRLF, LF or CR) in `text`. */
function lineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) count++;
  }
  return count;
}
