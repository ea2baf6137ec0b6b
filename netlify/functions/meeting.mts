import type { Config } from '@netlify/functions';
import { getMeeting } from '../../src/lib/server/meetings/registrations.ts';

export default getMeeting;

export const config: Config = { path: '/api/meetings/:meetingId', method: 'GET' };
