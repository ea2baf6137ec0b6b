import type { Config } from '@netlify/functions';
import { recordSupport } from '../../src/lib/server/proposals/proposals.ts';

export default recordSupport;

export const config: Config = { path: '/api/admin/proposals/:proposalId/supports', method: 'POST' };
