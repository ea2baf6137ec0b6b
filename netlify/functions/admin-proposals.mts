import type { Config } from '@netlify/functions';
import { moderationQueue } from '../../src/lib/server/proposals/proposals.ts';

export default moderationQueue;

export const config: Config = { path: '/api/admin/proposals', method: 'GET' };
