import type { Config } from '@netlify/functions';
import { createAccessMapHandler } from '../../src/lib/server/access/access-map.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(createAccessMapHandler());

export const config: Config = { path: '/api/access-map', method: 'GET' };
