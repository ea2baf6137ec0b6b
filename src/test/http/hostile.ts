import fc from 'fast-check';
import { expect } from 'vitest';

/** Strings that have broken web forms before: SQL, markup, control characters, huge, odd Unicode. */
export const hostileString = fc.oneof(
	fc.constantFrom(
		"'; drop table public.registrations; --",
		"' or '1'='1",
		'$v1$ $$ $a$',
		'<script>alert(1)</script>',
		'"><img src=x onerror=alert(1)>',
		'\u0000',
		'\u202e\u200b\ufeff',
		'\ud800',
		'../../etc/passwd',
		'%00%27',
		'null',
		'{"$ne": null}',
		'𝕮𝖆𝖓𝖆𝖗𝖉',
		' ',
	),
	fc.string({ maxLength: 40 }),
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.string({ minLength: 200, maxLength: 3000 }),
);

/** Any JSON value, wrong types included. */
export const anyJson = fc.oneof(
	hostileString,
	fc.integer(),
	fc.double(),
	fc.boolean(),
	fc.constant(null),
	fc.array(hostileString, { maxLength: 3 }),
	fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

/** Bodies as a client might send them, valid-looking or not, with their content type. */
export function hostileBody(fields: Record<string, fc.Arbitrary<unknown>>) {
	const record = fc.record(
		Object.fromEntries(Object.entries(fields).map(([name, valid]) => [name, fc.oneof(valid, anyJson)])),
		{ requiredKeys: [] },
	);
	return fc.oneof(
		record.map((value) => ({ type: 'application/json', body: JSON.stringify(value) })),
		anyJson.map((value) => ({ type: 'application/json', body: JSON.stringify(value) })),
		record.map((value) => ({
			type: 'application/x-www-form-urlencoded',
			body: new URLSearchParams(
				Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
			).toString(),
		})),
		fc
			.tuple(fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data', ''), hostileString)
			.map(([type, body]) => ({ type, body })),
		record.map((value) => ({ type: 'application/json', body: JSON.stringify(value).slice(0, -3) })),
	);
}

/** What a stack trace or a server path looks like in a response body: never in any answer. */
export const INTERNALS = /\bat (async )?[\w.<>$[\]]+ \(|\bat (file|node):|node_modules|\/src\/|\.netlify\/|file:\/\//;

/** Never a 5xx; no error answer shows internals; every JSON 4xx carries the contract's French error shape. */
export async function expectContractAnswer(response: Response): Promise<void> {
	expect(response.status, 'never a 5xx').toBeLessThan(500);
	if (response.status < 400) {
		await response.arrayBuffer();
		return;
	}
	const text = await response.text();
	expect(text, 'no stack trace or file path').not.toMatch(INTERNALS);
	if ((response.headers.get('content-type') ?? '').startsWith('application/json')) {
		const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
		expect(typeof body.error?.code).toBe('string');
		expect(body.error?.message).toMatch(/[a-zàâçéèêëîïôûùüœ’]/i);
		expect(text).not.toMatch(/postgres|syntax error|stack/i);
	}
}
