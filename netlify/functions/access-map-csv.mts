import type { Config } from '@netlify/functions';
import { createAccessMapCsvHandler } from '../../src/lib/server/access/access-map.ts';

export default createAccessMapCsvHandler();

export const config: Config = { path: '/api/access-map.csv', method: 'GET' };
