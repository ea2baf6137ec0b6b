import type { Config } from '@netlify/functions';
import { decideProposal } from '../../src/lib/server/proposals/proposals.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(decideProposal);

export const config: Config = { path: '/api/admin/proposals/:proposalId/decision', method: 'POST' };
