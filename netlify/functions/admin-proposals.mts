import type { Config } from '@netlify/functions';
import { moderationQueue } from '../../src/lib/server/proposals/proposals.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(moderationQueue);

export const config: Config = { path: '/api/admin/proposals', method: 'GET' };
