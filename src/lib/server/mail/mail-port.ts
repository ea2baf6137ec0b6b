import { createTransport } from 'nodemailer';
import { type DataPort, SERVICE } from '../db/port.ts';
import type { ServerEnv } from '../env.ts';
import { type Mail, type OutboxMessage, renderMessage } from './messages.ts';

export type MailTransport = { name: 'smtp' | 'log'; send(mail: Mail): Promise<void> };

let shared: { key: string; transport: MailTransport } | undefined;

/**
 * The transport for `env`, created once per process and reused by every request (an SMTP
 * transport keeps its connection settings; creating one per request costs time for nothing).
 */
export function sharedMailTransport(env: ServerEnv): MailTransport {
	const key = JSON.stringify([env.SMTP_URL ?? '', env.MAIL_FROM, env.isNetlify]);
	if (shared?.key !== key) shared = { key, transport: createMailTransport(env) };
	return shared.transport;
}

/** SMTP when SMTP_URL is set; otherwise the messages go to the server log (development only). */
export function createMailTransport(env: ServerEnv): MailTransport {
	if (env.SMTP_URL) {
		const smtp = createTransport(env.SMTP_URL);
		return {
			name: 'smtp',
			send: async (mail) => {
				await smtp.sendMail({ from: env.MAIL_FROM, ...mail });
			},
		};
	}
	return {
		name: 'log',
		send: async (mail) => {
			if (env.isNetlify) {
				console.warn('SMTP_URL is not set: a message stays unsent (see README, "Mail").');
				return;
			}
			console.info(`[mail] À : ${mail.to}\n[mail] Objet : ${mail.subject}\n${mail.text}`);
		},
	};
}

/** Messages taken per call to `claim_outbox`. */
const BATCH = 50;

/**
 * Sends what the outbox holds (the database queues confirmations and promotions in the same
 * transaction as the registration or cancellation). Each call to `claim_outbox` reports the
 * messages delivered since the previous call (marked sent only then) and leases the next ones, until
 * none is waiting: a message whose sending fails, or whose sender stops half-way, stays unsent and is
 * taken again by a later delivery once its lease has expired. Called in the background after a
 * registration or cancellation, after a proposal decision, and by the daily maintenance; returns
 * how many messages went out.
 */
export async function deliverOutbox(port: DataPort, transport: MailTransport, siteUrl: string): Promise<number> {
	let sentCount = 0;
	let messages = await claimOutbox(port, []);
	while (messages.length > 0) {
		const sent = await sendAll(messages, transport, siteUrl);
		sentCount += sent.length;
		messages = await claimOutbox(port, sent);
	}
	return sentCount;
}

/** Reports `sent` as delivered and leases the next messages, in one call. */
const claimOutbox = (port: DataPort, sent: number[]) =>
	port.callRpc<OutboxMessage[]>(
		'claim_outbox',
		sent.length ? { p_limit: BATCH, p_sent: sent } : { p_limit: BATCH },
		SERVICE,
	);

/** Sends each message; returns the ids of those the transport accepted. */
async function sendAll(messages: OutboxMessage[], transport: MailTransport, siteUrl: string): Promise<number[]> {
	const sent: number[] = [];
	for (const message of messages) {
		try {
			await transport.send(renderMessage(message, siteUrl));
			sent.push(message.id);
		} catch (error) {
			console.error(
				`message ${message.id} (${message.template}) not sent, to be retried later: ${(error as Error).name}`,
			);
		}
	}
	return sent;
}

/**
 * After a write that queued messages (proposal decisions, supports): send what is waiting before
 * answering. A mail failure never changes the answer: what is not sent stays in the outbox.
 */
export async function sendAfterWrite(port: DataPort, transport: MailTransport, siteUrl: string): Promise<void> {
	try {
		await deliverOutbox(port, transport, siteUrl);
	} catch (error) {
		console.error(`mail not sent now (the scheduled delivery will retry): ${(error as Error).message}`);
	}
}

type Delivery = { running: Promise<void> | undefined; again: boolean };
const deliveries = new WeakMap<DataPort, Delivery>();

/** How long a background delivery waits before taking the outbox, so that a burst of registrations shares a few calls. */
const DELIVERY_DELAY_MS = 20;

/**
 * Sends the outbox in the background, after the answer: at most one delivery at a time per data
 * port in this process; a request arriving while one runs makes it go round once more (its
 * message may have been committed after the last look). Never rejects: what is not sent now stays
 * in the outbox for the next delivery or the daily maintenance. The promise settles once the
 * outbox has been looked at after the caller's write (for Netlify's `context.waitUntil`, and tests).
 */
export function deliverInBackground(port: DataPort, transport: MailTransport, siteUrl: string): Promise<void> {
	let delivery = deliveries.get(port);
	if (!delivery) {
		delivery = { running: undefined, again: false };
		deliveries.set(port, delivery);
	}
	if (delivery.running) {
		delivery.again = true;
		return delivery.running;
	}
	const state = delivery;
	state.running = (async () => {
		// Rounds of one call each, DELIVERY_DELAY_MS apart: under a steady stream of registrations the
		// outbox costs a call per round, not per registration. A round reports the previous round's
		// deliveries; the rounds stop when nothing was sent, nothing more is waiting and no request came.
		let sent: number[] = [];
		try {
			do {
				state.again = false;
				await new Promise((resolve) => setTimeout(resolve, DELIVERY_DELAY_MS));
				const messages = await claimOutbox(port, sent);
				sent = await sendAll(messages, transport, siteUrl);
				if (messages.length === BATCH) state.again = true;
			} while (state.again || sent.length > 0);
		} catch (error) {
			console.error(
				`mail not sent now (a later delivery or the daily maintenance will retry): ${(error as Error).message}`,
			);
		} finally {
			state.running = undefined;
			state.again = false;
		}
	})();
	return state.running;
}

/** Netlify's context lets work continue after the answer (`waitUntil`); other servers simply keep running. */
type ContextWithWaitUntil = { waitUntil?: (promise: Promise<unknown>) => void };

/**
 * Sends the outbox after the answer, without making the resident wait (handed to Netlify's
 * `waitUntil` when there is one); the outbox keeps what is not sent.
 */
export function deliverAfterAnswer(context: object, port: DataPort, mail: () => MailTransport, origin: string): void {
	try {
		const delivery = deliverInBackground(port, mail(), origin);
		(context as ContextWithWaitUntil).waitUntil?.(delivery);
	} catch (error) {
		console.error(
			`mail not sent now (a later delivery or the daily maintenance will retry): ${(error as Error).message}`,
		);
	}
}
