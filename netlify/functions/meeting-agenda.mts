import type { Config } from '@netlify/functions';
import { getCouncilAgenda } from '../../src/lib/server/meetings/agenda.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(getCouncilAgenda);

export const config: Config = { path: '/api/meetings/:meetingId/agenda', method: 'GET' };
