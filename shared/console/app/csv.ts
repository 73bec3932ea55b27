import { unparse } from 'papaparse';

export type Cell = string | number | boolean | null | undefined;

/**
 * A CSV file from a header and rows, written by Papa Parse (RFC 4180 quoting of commas, quotes
 * and line breaks), with `escapeFormulae`: a text cell that starts with = + - @ is prefixed with
 * a quote, so a member's name can never run as a formula in a spreadsheet. Numbers stay numbers.
 */
export function toCsv(header: string[], rows: Cell[][]): string {
  return unparse(
    { fields: header, data: rows.map((row) => row.map((cell) => cell ?? '')) },
    { escapeFormulae: true, newline: '\r\n' },
  );
}

/** Hands a file to the browser's downloads (an object URL, revoked once clicked). */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const downloadCsv = (filename: string, header: string[], rows: Cell[][]) =>
  download(filename, toCsv(header, rows), 'text/csv;charset=utf-8');
