// The fleet's report as files an admin keeps: CSV (one line per server, for a spreadsheet or a script) and JSON
// (the report as disassociateKeypairs resolved it). Neither holds a secret: errors are KpsError.toJSON() forms.

const CSV_COLUMNS = ['serverId', 'outcome', 'taskId', 'status', 'attempts', 'errorCode', 'errorMessage'];

/**
 * A spreadsheet runs a cell that starts with one of these as a formula; an error message comes partly from
 * the service, so such a cell is prefixed with `'` (OWASP's advice for CSV injection).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value) {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The report as CSV (RFC 4180: CRLF, quotes doubled): a header, then one line per server, in the list's order. */
export function reportCsv(report) {
  const lines = report.results.map((result) =>
    [
      result.serverId,
      result.outcome,
      result.taskId,
      result.status,
      result.attempts,
      result.error?.code,
      result.error?.message,
    ].map(csvCell).join(','),
  );
  return [CSV_COLUMNS.join(','), ...lines].join('\r\n') + '\r\n';
}

/** The report as JSON; what `onProgress` threw, if it did, as its text (an Error serialises to `{}`). */
export function reportJson(report) {
  const { progressError, ...rest } = report;
  const kept = progressError === undefined ? rest : { ...rest, progressError: String(progressError) };
  return `${JSON.stringify(kept, null, 2)}\n`;
}

/** `kps-fleet-2025-01-02T03-04-05Z.csv`: sorts by time, and has no character a file system refuses. */
export function reportFileName(finishedAt, extension) {
  const stamp = finishedAt.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
  return `kps-fleet-${stamp}.${extension}`;
}
