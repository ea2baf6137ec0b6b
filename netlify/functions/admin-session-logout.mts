import type { Config } from '@netlify/functions';
import { signOut } from '../../src/lib/server/auth/sign-in.ts';

export default signOut;

export const config: Config = { path: '/api/admin/session/logout', method: 'POST' };
