import { getDataPort } from './db/index.ts';
import { ANON, type DataPort } from './db/port.ts';
import { json, problem } from './http.ts';

/** `GET /api/health`: 200 `{ ok, database }` when the database answers, else 503 in the contract's shape. */
export function createHealthHandler(dataPort: () => DataPort) {
	return async (): Promise<Response> => {
		try {
			const port = dataPort();
			await port.callRpc('health_check', {}, ANON);
			return json({ ok: true, database: port.database });
		} catch {
			return problem(
				503,
				'database_unavailable',
				'La base de données ne répond pas. Le service sera rétabli dès que possible.',
			);
		}
	};
}

export const health = createHealthHandler(() => getDataPort());
