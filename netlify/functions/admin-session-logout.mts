import type { Config } from '@netlify/functions';
import { signOut } from '../../src/lib/server/auth/sign-in.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(signOut);

export const config: Config = { path: '/api/admin/session/logout', method: 'POST' };
