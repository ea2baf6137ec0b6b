import type { Config } from '@netlify/functions';
import { listRegistrations } from '../../src/lib/server/admin/registrations.ts';

export default listRegistrations;

export const config: Config = {
	path: ['/api/admin/meetings/:meetingId/registrations', '/api/admin/meetings/:meetingId/registrations.csv'],
	method: 'GET',
};
