import type { Config } from '@netlify/functions';
import { listProposals } from '../../src/lib/server/proposals/proposals.ts';

export default listProposals;

export const config: Config = { path: '/api/proposals', method: 'GET' };
