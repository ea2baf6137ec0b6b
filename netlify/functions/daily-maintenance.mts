import type { Config } from '@netlify/functions';
import { scheduledMaintenance } from '../../src/lib/server/maintenance.ts';

export default scheduledMaintenance;

export const config: Config = { schedule: '@daily' };
