import type { Config } from '@netlify/functions';
import { signIn } from '../../src/lib/server/auth/sign-in.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(signIn);

export const config: Config = { path: '/api/admin/session', method: 'POST' };
