import type { Config } from '@netlify/functions';
import { createAccessMapHandler } from '../../src/lib/server/access/access-map.ts';

export default createAccessMapHandler();

export const config: Config = { path: '/api/access-map', method: 'GET' };
