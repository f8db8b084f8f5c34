/** Delimited text: quoted fields with separators, line breaks and quotes; CRLF, LF and CR; line numbers. */
import { describe, expect, it } from "vitest";
import { parseDelimited } from "./csv";

describe("parseDelimited", () => {
  it("splits records and fields, with the line each record starts on", () => {
    expect(parseDelimited("a,b,c\r\nd,e,f\r\n", ",")).toEqual({
      records: [
        { line: 1, fields: ["a", "b", "c"] },
        { line: 2, fields: ["d", "e", "f"] },
      ],
    });
  });

  it("reads quoted fields holding commas, quotes and line breaks, and counts their lines", () => {
    const text = 'q,"one, two","say ""hi""",x\r\n"multi\r\nline\nfield",b\nlast,"a\rb"';
    expect(parseDelimited(text, ",").records).toEqual([
      { line: 1, fields: ["q", "one, two", 'say "hi"', "x"] },
      { line: 2, fields: ["multi\r\nline\nfield", "b"] },
      { line: 5, fields: ["last", "a\rb"] },
    ]);
  });

  it("LF and lone CR end records too; blank lines are skipped but counted", () => {
    expect(parseDelimited("a\n\n\nb\rc\r\n", ",").records).toEqual([
      { line: 1, fields: ["a"] },
      { line: 4, fields: ["b"] },
      { line: 5, fields: ["c"] },
    ]);
  });

  it("keeps a quote inside an unquoted field, and empty fields", () => {
    expect(parseDelimited('He said "hi",,end', ",").records).toEqual([
      { line: 1, fields: ['He said "hi"', "", "end"] },
    ]);
  });

  it("any separator (tab), numbering from a given first line", () => {
    expect(parseDelimited('front\t"back, with\ttab"\ttag', "\t", 4).records).toEqual([
      { line: 4, fields: ["front", "back, with\ttab", "tag"] },
    ]);
  });

  it("leaves out a record whose quoted field never ends, and says where it started", () => {
    expect(parseDelimited('ok,1\r\nbad,"never\r\nends,2\r\n', ",")).toEqual({
      records: [{ line: 1, fields: ["ok", "1"] }],
      unclosedQuoteAt: 2,
    });
  });
});
