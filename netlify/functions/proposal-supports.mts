import type { Config } from '@netlify/functions';
import { supportProposal } from '../../src/lib/server/proposals/proposals.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(supportProposal);

export const config: Config = { path: '/api/proposals/:proposalId/supports', method: 'POST' };
