import type { Config } from '@netlify/functions';
import { cancelRegistration } from '../../src/lib/server/meetings/registrations.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(cancelRegistration);

export const config: Config = { path: '/api/registrations/:cancelToken/cancel', method: 'POST' };
