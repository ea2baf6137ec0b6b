import { getDataPort } from './db/index.ts';
import { type DataPort, SERVICE } from './db/port.ts';
import { readEnv, type ServerEnv } from './env.ts';
import { createMailTransport, deliverOutbox } from './mail/mail-port.ts';

/**
 * The daily job: erase registrants' personal data REGISTRATION_RETENTION_DAYS after their meeting
 * (default 90), erase the web supports never confirmed within 7 days (their link has expired), and
 * send any message still waiting in the outbox.
 */
export async function runMaintenance(port: DataPort = getDataPort(), env: ServerEnv = readEnv()) {
	const { purged } = await port.callRpc<{ purged: number }>(
		'purge_registrations',
		{ p_days: env.REGISTRATION_RETENTION_DAYS },
		SERVICE,
	);
	const { purged: unconfirmedSupports } = await port.callRpc<{ purged: number }>(
		'purge_unconfirmed_supports',
		{},
		SERVICE,
	);
	const sent = await deliverOutbox(port, createMailTransport(env), env.URL ?? 'http://localhost:4321');
	console.info(
		`maintenance: ${purged} registrations erased, ${unconfirmedSupports} unconfirmed supports erased, ${sent} messages sent`,
	);
	return { purged, unconfirmedSupports, sent };
}

/** Netlify scheduled function entry: no request body, no answer body. */
export async function scheduledMaintenance(): Promise<Response> {
	try {
		await runMaintenance();
		return new Response(null, { status: 204 });
	} catch (error) {
		console.error(`maintenance failed: ${(error as Error).message}`);
		return new Response(null, { status: 503 });
	}
}
