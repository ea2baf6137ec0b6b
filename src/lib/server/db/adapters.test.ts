import { describe } from 'vitest';
import { describeDataPortContract } from '../../../test/db/contract.ts';
import { realPostgresAvailability } from '../../../test/db/postgres-server.ts';
import { pgliteTarget, realPostgresTarget, supabaseTarget } from '../../../test/db/targets.ts';

describeDataPortContract('postgres adapter → embedded PGlite server', pgliteTarget);
describeDataPortContract('supabase-js adapter → PostgREST over HTTP → PGlite', supabaseTarget);

const real = realPostgresAvailability();
if (real.run) {
	describeDataPortContract('postgres adapter → real PostgreSQL server', realPostgresTarget);
} else {
	console.info(real.reason);
	describe.skip(`real PostgreSQL server: ${real.reason}`, () => {});
}
