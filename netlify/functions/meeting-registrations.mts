import type { Config } from '@netlify/functions';
import { register } from '../../src/lib/server/meetings/registrations.ts';

export default register;

export const config: Config = { path: '/api/meetings/:meetingId/registrations', method: 'POST' };
