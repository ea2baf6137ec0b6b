import type { Config } from '@netlify/functions';
import { coordinatorUpdateContact } from '../../src/lib/server/admin/lifecycle.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(coordinatorUpdateContact);

export const config: Config = {
	path: '/api/admin/meetings/:meetingId/registrations/:reference/contact',
	method: 'POST',
};
