import type { Config } from '@netlify/functions';
import { getMeeting } from '../../src/lib/server/meetings/registrations.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(getMeeting);

export const config: Config = { path: '/api/meetings/:meetingId', method: 'GET' };
