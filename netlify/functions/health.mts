import type { Config } from '@netlify/functions';
import { health } from '../../src/lib/server/health.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(health);

export const config: Config = { path: '/api/health', method: 'GET' };
