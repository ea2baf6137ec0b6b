import type { Config } from '@netlify/functions';
import { exportProposals } from '../../src/lib/server/proposals/proposals.ts';

export default exportProposals;

export const config: Config = { path: '/api/admin/proposals.csv', method: 'GET' };
