import type { Config } from '@netlify/functions';
import { listProposals } from '../../src/lib/server/proposals/proposals.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(listProposals);

export const config: Config = { path: '/api/proposals', method: 'GET' };
