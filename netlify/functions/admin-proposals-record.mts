import type { Config } from '@netlify/functions';
import { recordProposal } from '../../src/lib/server/proposals/proposals.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(recordProposal);

export const config: Config = { path: '/api/admin/proposals', method: 'POST' };
