import type { Config } from '@netlify/functions';
import { listRegistrations } from '../../src/lib/server/admin/registrations.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(listRegistrations);

export const config: Config = {
	path: ['/api/admin/meetings/:meetingId/registrations', '/api/admin/meetings/:meetingId/registrations.csv'],
	method: 'GET',
};
