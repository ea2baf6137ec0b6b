import { getDataPort } from '../lib/server/db/index.ts';
import { runMaintenance } from '../lib/server/maintenance.ts';

/** `npm run db:purge`: what the daily scheduled function does, on demand (the database must be running). */
const port = getDataPort();
try {
	await runMaintenance(port);
} finally {
	await port.close();
}
