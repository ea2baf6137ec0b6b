import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getDataPort } from './db/index.ts';
import { DatabaseError } from './db/port.ts';
import { describeSettings, readDotEnv, readEnv } from './env.ts';

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

	it('reads a .env file with Node’s parser, and describes settings by name and source, never by value', () => {
		const dir = mkdtempSync(join(tmpdir(), 'env-test-'));
		const path = join(dir, '.env');
		writeFileSync(
			path,
			'# comment\nCOORDINATOR_PASSWORD=une phrase de passe secrète\nSMTP_URL=smtp://moi:secret@smtp.example.fr:587\n',
		);
		const values = readDotEnv(path);
		expect(values).toStrictEqual({
			COORDINATOR_PASSWORD: 'une phrase de passe secrète',
			SMTP_URL: 'smtp://moi:secret@smtp.example.fr:587',
		});
		const lines = describeSettings(readEnv(values), values).join('\n');
		expect(lines).toContain('COORDINATOR_PASSWORD set (COORDINATOR_PASSWORD from .env)');
		expect(lines).toContain('SMTP at smtp.example.fr:587');
		expect(lines).not.toMatch(/secr[eè]te?|moi:/);
		expect(readDotEnv(join(dir, 'missing.env'))).toStrictEqual({});
	});
});
