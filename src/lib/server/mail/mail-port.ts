import { createTransport } from 'nodemailer';
import { ANON, type DataPort, SERVICE } from '../db/port.ts';
import type { ServerEnv } from '../env.ts';
import { type Mail, type OutboxMessage, renderMessage } from './messages.ts';

export type MailTransport = { name: 'smtp' | 'log'; send(mail: Mail): Promise<void> };

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

/**
 * Sends what the outbox holds (the database queues confirmations and promotions in the same
 * transaction as the registration). Called after each registration or cancellation and by the
 * scheduled function; returns how many messages went out.
 */
export async function deliverOutbox(port: DataPort, transport: MailTransport, siteUrl: string): Promise<number> {
	const messages = await port.callRpc<OutboxMessage[]>('claim_outbox', { p_limit: 50 }, SERVICE);
	for (const message of messages) {
		try {
			await transport.send(renderMessage(message, siteUrl));
		} catch (error) {
			console.error(`message ${message.id} (${message.template}) not sent: ${(error as Error).name}`);
		}
	}
	return messages.length;
}

/**
 * After a registration or a cancellation: queue the confirmation (when the caller holds a fresh
 * cancel link) and send what is waiting. A mail failure never changes the answer to the resident.
 */
export async function sendAfterWrite(
	port: DataPort,
	transport: MailTransport,
	siteUrl: string,
	confirmation?: { cancelToken: string; cancelUrl: string },
): Promise<void> {
	try {
		if (confirmation) {
			await port.callRpc(
				'queue_registration_message',
				{ p_cancel_token: confirmation.cancelToken, p_cancel_url: confirmation.cancelUrl },
				ANON,
			);
		}
		await deliverOutbox(port, transport, siteUrl);
	} catch (error) {
		console.error(`mail not sent now (the scheduled delivery will retry): ${(error as Error).message}`);
	}
}
