import { describe, expect, it } from 'vitest';
import { getDataPort } from './db/index.ts';
import { DatabaseError } from './db/port.ts';
import { readEnv } from './env.ts';

describe('server environment', () => {
	it('needs nothing for the embedded default', () => {
		const env = readEnv({});
		expect(env).toMatchObject({ PGLITE_PORT: 54_329, isNetlify: false });
		expect(env.SUPABASE_URL).toBeUndefined();
	});

	it('names invalid variables without echoing their values', () => {
		expect(() => readEnv({ SUPABASE_URL: 'not a url', DATABASE_URL: 'mysql://secret' })).toThrow(
			/^Invalid environment variables: SUPABASE_URL, DATABASE_URL\. See \.env\.example\.$/,
		);
	});

	it('refuses to run on Netlify without Supabase instead of using a throw-away database', () => {
		const error = (() => {
			try {
				getDataPort(readEnv({ NETLIFY: 'true' }));
				return undefined;
			} catch (caught) {
				return caught;
			}
		})();
		expect(error).toBeInstanceOf(DatabaseError);
		expect((error as DatabaseError).kind).toBe('unavailable');
	});
});
