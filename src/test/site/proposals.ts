import { randomBytes } from 'node:crypto';
import { proposalInputSchema, toProposalArgs } from '../../lib/domain/proposal';
import { ANON, type DataPort } from '../../lib/server/db/port';
import { callerFor, coordinatorClaims } from '../db/contract';

/**
 * A proposal submitted as a resident would, then moved by the coordinator (`published` by default;
 * `[]` leaves it pending), in the shared dev server's database: what the site tests read back.
 */
export async function seedProposal(
	database: DataPort,
	fields: { title: string; description: string; theme?: string },
	moves: { status: string; reason?: string }[] = [{ status: 'published' }],
): Promise<number> {
	const input = proposalInputSchema.parse({ theme: 'prevention-education', territoryId: 'nontronnais', ...fields });
	const { id } = await database.callRpc<{ id: number }>(
		'submit_proposal',
		toProposalArgs(input, randomBytes(32).toString('hex')),
		ANON,
	);
	const coordinator = await callerFor(coordinatorClaims);
	for (const { status, reason } of moves) {
		await database.callRpc(
			'decide_proposal',
			{ p_proposal_id: id, p_status: status, p_reason: reason ?? null },
			coordinator,
		);
	}
	return id;
}
