import type { Config } from '@netlify/functions';
import { getProposal } from '../../src/lib/server/proposals/proposals.ts';

export default getProposal;

export const config: Config = { path: '/api/proposals/:proposalId', method: 'GET' };
