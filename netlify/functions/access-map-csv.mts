import type { Config } from '@netlify/functions';
import { createAccessMapCsvHandler } from '../../src/lib/server/access/access-map.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(createAccessMapCsvHandler());

export const config: Config = { path: '/api/access-map.csv', method: 'GET' };
