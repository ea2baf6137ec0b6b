import type { Config } from '@netlify/functions';
import { signIn } from '../../src/lib/server/auth/sign-in.ts';

export default signIn;

export const config: Config = { path: '/api/admin/session', method: 'POST' };
