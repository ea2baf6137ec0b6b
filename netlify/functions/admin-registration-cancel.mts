import type { Config } from '@netlify/functions';
import { coordinatorCancel } from '../../src/lib/server/admin/lifecycle.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(coordinatorCancel);

export const config: Config = {
	path: '/api/admin/meetings/:meetingId/registrations/:reference/cancel',
	method: 'POST',
};
