import type { Config } from '@netlify/functions';
import { exportProposals } from '../../src/lib/server/proposals/proposals.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(exportProposals);

export const config: Config = { path: '/api/admin/proposals.csv', method: 'GET' };
