import type { Config } from '@netlify/functions';
import { submitProposal } from '../../src/lib/server/proposals/proposals.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(submitProposal);

export const config: Config = { path: '/api/proposals', method: 'POST' };
