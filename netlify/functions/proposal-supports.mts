import type { Config } from '@netlify/functions';
import { supportProposal } from '../../src/lib/server/proposals/proposals.ts';

export default supportProposal;

export const config: Config = { path: '/api/proposals/:proposalId/supports', method: 'POST' };
