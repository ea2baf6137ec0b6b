import { type DataPort, SERVICE } from '../../lib/server/db/port.ts';
import type { ContractTarget } from '../db/contract.ts';
import { type Route, serveFunctions } from './functions-server.ts';

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

let sequence = 0;

/** Creates (or moves) a meeting in the Nontronnais through the service role, as the content mirror does. */
export async function seedMeeting(
	port: DataPort,
	options: { id?: string; capacity: number; startsAt?: string; status?: 'scheduled' | 'cancelled' },
): Promise<string> {
	const id = options.id ?? `m-${process.pid}-${Date.now().toString(36)}-${(sequence++).toString(36)}`;
	await port.callRpc(
		'sync_content',
		{
			p_territories: [{ id: 'nontronnais', name: 'Nontronnais' }],
			p_meetings: [
				{
					id,
					territoryId: 'nontronnais',
					title: 'Test',
					startsAt: options.startsAt ?? inDays(20),
					capacity: options.capacity,
					status: options.status ?? 'scheduled',
				},
			],
		},
		SERVICE,
	);
	return id;
}

/** A database target plus the given handlers served over real HTTP; `stop` ends both. */
export async function startApiSite(start: () => Promise<ContractTarget>, routes: (port: () => DataPort) => Route[]) {
	const target = await start();
	const port = () => target.port;
	const site = await serveFunctions(routes(port));
	return {
		url: site.url,
		port,
		meeting: (capacity: number, startsAt?: string, status?: 'scheduled' | 'cancelled') =>
			seedMeeting(target.port, { capacity, ...(startsAt ? { startsAt } : {}), ...(status ? { status } : {}) }),
		stop: async () => {
			await site.close();
			await target.stop();
		},
	};
}

/** A JSON POST from a given client address (Netlify passes it in x-nf-client-connection-ip). */
export function postJson(url: string, body: unknown, ip = '192.0.2.1', headers: Record<string, string> = {}) {
	return fetch(url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'x-nf-client-connection-ip': ip, ...headers },
		body: JSON.stringify(body),
	});
}
