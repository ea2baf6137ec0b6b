import type { Config } from '@netlify/functions';
import { recordRegistration } from '../../src/lib/server/admin/registrations.ts';

export default recordRegistration;

export const config: Config = { path: '/api/admin/meetings/:meetingId/registrations', method: 'POST' };
