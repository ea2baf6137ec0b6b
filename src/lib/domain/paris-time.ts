import { TZDate } from '@date-fns/tz';

/** The territory's civil time zone: every date written in content is a wall-clock time here. */
export const SITE_TIME_ZONE = 'Europe/Paris';

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/;

/**
 * Reads a wall-clock time in Paris written as `YYYY-MM-DD HH:mm` (or with a `T`) and returns the
 * instant, or `undefined` when the text is not a real date and time (31 February, 25:00…).
 */
export function parseParisDateTime(text: string): Date | undefined {
	const match = LOCAL_DATE_TIME.exec(text.trim());
	if (!match) return undefined;
	const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
	const zoned = new TZDate(year, month - 1, day, hour, minute, 0, SITE_TIME_ZONE);
	const isSameWallClock =
		zoned.getFullYear() === year &&
		zoned.getMonth() === month - 1 &&
		zoned.getDate() === day &&
		zoned.getHours() === hour &&
		zoned.getMinutes() === minute;
	return isSameWallClock ? new Date(zoned.getTime()) : undefined;
}

const dateFormat = new Intl.DateTimeFormat('fr-FR', {
	timeZone: SITE_TIME_ZONE,
	weekday: 'long',
	day: 'numeric',
	month: 'long',
	year: 'numeric',
});
const shortDateFormat = new Intl.DateTimeFormat('fr-FR', {
	timeZone: SITE_TIME_ZONE,
	day: 'numeric',
	month: 'long',
	year: 'numeric',
});
const timeFormat = new Intl.DateTimeFormat('fr-FR', {
	timeZone: SITE_TIME_ZONE,
	hour: '2-digit',
	minute: '2-digit',
});
const yearFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: SITE_TIME_ZONE, year: 'numeric' });
const isoDateParts = new Intl.DateTimeFormat('en-CA', {
	timeZone: SITE_TIME_ZONE,
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
});

/** « jeudi 14 janvier 2027 » */
export function formatLongDate(date: Date): string {
	return dateFormat.format(date);
}

/** « 14 janvier 2027 » */
export function formatDate(date: Date): string {
	return shortDateFormat.format(date);
}

/** « 18 h 30 », the French typographic form. */
export function formatTime(date: Date): string {
	return timeFormat.format(date).replace(':', ' h ');
}

/** The calendar year in Paris (a meeting on 31 December at 23:30 UTC belongs to the next year). */
export function parisYear(date: Date): number {
	return Number(yearFormat.format(date));
}

/** `YYYY-MM-DD` in Paris, for `<time datetime>` attributes on whole days. */
export function parisIsoDate(date: Date): string {
	return isoDateParts.format(date);
}
