import type { Config } from '@netlify/functions';
import { getProposal } from '../../src/lib/server/proposals/proposals.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(getProposal);

export const config: Config = { path: '/api/proposals/:proposalId', method: 'GET' };
