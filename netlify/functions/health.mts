import type { Config } from '@netlify/functions';
import { health } from '../../src/lib/server/health.ts';

export default health;

export const config: Config = { path: '/api/health', method: 'GET' };
