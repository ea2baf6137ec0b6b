import type { Config } from '@netlify/functions';
import { coordinatorConfirm } from '../../src/lib/server/admin/lifecycle.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(coordinatorConfirm);

export const config: Config = {
	path: '/api/admin/meetings/:meetingId/registrations/:reference/confirm',
	method: 'POST',
};
