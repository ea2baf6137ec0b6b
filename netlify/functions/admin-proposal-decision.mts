import type { Config } from '@netlify/functions';
import { decideProposal } from '../../src/lib/server/proposals/proposals.ts';

export default decideProposal;

export const config: Config = { path: '/api/admin/proposals/:proposalId/decision', method: 'POST' };
