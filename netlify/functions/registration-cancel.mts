import type { Config } from '@netlify/functions';
import { cancelRegistration } from '../../src/lib/server/meetings/registrations.ts';

export default cancelRegistration;

export const config: Config = { path: '/api/registrations/:cancelToken/cancel', method: 'POST' };
