import type { Config } from '@netlify/functions';
import { confirmSupport } from '../../src/lib/server/proposals/proposals.ts';
import { withSecurityHeaders } from '../../src/lib/server/security-headers.ts';

export default withSecurityHeaders(confirmSupport);

export const config: Config = { path: '/api/supports/confirm', method: 'POST' };
