import type { Config } from '@netlify/functions';
import { recordRegistration } from '../../src/lib/server/admin/registrations.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(recordRegistration);

export const config: Config = { path: '/api/admin/meetings/:meetingId/registrations', method: 'POST' };
