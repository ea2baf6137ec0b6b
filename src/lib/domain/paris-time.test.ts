import { describe, expect, it } from 'vitest';
import { formatLongDate, formatTime, parisIsoDate, parisYear, parseParisDateTime } from './paris-time';

describe('parseParisDateTime', () => {
	it.each([
		['2027-01-21 18:30', '2027-01-21T17:30:00.000Z'], // winter time, UTC+1
		['2027-07-01T09:00', '2027-07-01T07:00:00.000Z'], // summer time, UTC+2
		['2027-03-28 03:30', '2027-03-28T01:30:00.000Z'], // just after the spring change
		['2026-12-31 23:30', '2026-12-31T22:30:00.000Z'],
	])('%s is %s', (text, iso) => {
		expect(parseParisDateTime(text)?.toISOString()).toBe(iso);
	});

	it.each([
		'2027-02-31 18:30',
		'2027-01-21 25:00',
		'2027-01-21 18:60',
		'21/01/2027 18:30',
		'2027-01-21',
		'',
		'2027-03-28 02:30', // does not exist in Paris: clocks jump from 02:00 to 03:00
	])('refuses %j', (text) => {
		expect(parseParisDateTime(text)).toBeUndefined();
	});
});

describe('French formatting in Paris time', () => {
	const instant = new Date('2027-01-21T17:30:00.000Z');
	it('formats the day and the time as French readers expect', () => {
		expect(formatLongDate(instant)).toBe('jeudi 21 janvier 2027');
		expect(formatTime(instant)).toBe('18 h 30');
	});

	it('uses the Paris calendar day and year, not UTC', () => {
		const newYearsEve = new Date('2026-12-31T23:30:00.000Z'); // already 1 January in Paris
		expect(parisYear(newYearsEve)).toBe(2027);
		expect(parisIsoDate(newYearsEve)).toBe('2027-01-01');
	});
});
