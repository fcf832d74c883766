/** RFC 4180 field; cells starting with = + - @ are prefixed with ' (spreadsheet formula injection). */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document (CRLF line ends, a header line) of `rows` under `columns`. */
export function csvDocument(columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): string {
  return [columns.join(","), ...rows.map((row) => columns.map((col) => csvField(row[col])).join(","))].join("\r\n") + "\r\n";
}
