import { stringify } from 'csv-stringify/sync';

/** Spreadsheets run cells that start with these as formulas: neutralise them (CSV injection). */
/** A negative number ("-0,25") is data, not a formula: it stays a number in the spreadsheet. */
const PLAIN_NUMBER = /^-[0-9]+([.,][0-9]+)?$/;
const safeCell = (value: string | null | undefined) =>
	value && /^[=+\-@\t\r]/.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : (value ?? '');

/** A CSV that French spreadsheets open as they should: semicolons, CRLF, UTF-8 byte-order mark, no formulas. */
export function spreadsheetCsv(header: string[], rows: (string | null | undefined)[][]): string {
	return `\ufeff${stringify([header, ...rows.map((row) => row.map(safeCell))], { delimiter: ';', record_delimiter: 'windows' })}`;
}
