import { stringify } from 'csv-stringify/sync';

/** Spreadsheets run cells that start with these as formulas: neutralise them (CSV injection). */
const safeCell = (value: string | null | undefined) =>
	value && /^[=+\-@\t\r]/.test(value) ? `'${value}` : (value ?? '');

/** A CSV that French spreadsheets open as they should: semicolons, CRLF, UTF-8 byte-order mark, no formulas. */
export function spreadsheetCsv(header: string[], rows: (string | null | undefined)[][]): string {
	return `\ufeff${stringify([header, ...rows.map((row) => row.map(safeCell))], { delimiter: ';', record_delimiter: 'windows' })}`;
}
