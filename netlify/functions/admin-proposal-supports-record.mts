import type { Config } from '@netlify/functions';
import { recordSupport } from '../../src/lib/server/proposals/proposals.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(recordSupport);

export const config: Config = { path: '/api/admin/proposals/:proposalId/supports', method: 'POST' };
