import type { Config } from '@netlify/functions';
import { submitProposal } from '../../src/lib/server/proposals/proposals.ts';

export default submitProposal;

export const config: Config = { path: '/api/proposals', method: 'POST' };
