import type { Config } from '@netlify/functions';
import { recordProposal } from '../../src/lib/server/proposals/proposals.ts';

export default recordProposal;

export const config: Config = { path: '/api/admin/proposals', method: 'POST' };
