import type { Config } from '@netlify/functions';
import { register } from '../../src/lib/server/meetings/registrations.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(register);

export const config: Config = { path: '/api/meetings/:meetingId/registrations', method: 'POST' };
