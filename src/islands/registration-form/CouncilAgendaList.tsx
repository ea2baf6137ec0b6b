import { render } from 'preact';

/** One proposal of `GET /api/meetings/{meetingId}/agenda`. */
type AgendaProposal = { id: number; title: string; supports: number; url: string };

type ListProps = {
	proposals: AgendaProposal[];
	/** The page's own link to the proposals on the agenda in the territory, kept under the list. */
	fallback: { href: string; label: string } | undefined;
};

function CouncilAgendaList({ proposals, fallback }: ListProps) {
	return (
		<>
			{proposals.length === 0 ? (
				<p>Aucune proposition des habitants n’est inscrite à l’ordre du jour de cette réunion pour l’instant.</p>
			) : (
				<ul>
					{proposals.map((proposal) => (
						<li key={proposal.id}>
							<a href={proposal.url}>{proposal.title}</a> ({proposal.supports} soutien
							{proposal.supports > 1 ? 's' : ''} confirmé{proposal.supports > 1 ? 's' : ''})
						</li>
					))}
				</ul>
			)}
			{fallback && (
				<p>
					<a href={fallback.href}>{fallback.label}</a>
				</p>
			)}
		</>
	);
}

/**
 * Fills a static section of the meeting page, in place, with the live list of the proposals on the
 * meeting's agenda. The section holds a plain link to that list for readers without JavaScript;
 * the link stays under the list. If the API does not answer, the section is left as it was.
 */
export async function fillCouncilAgenda(meetingId: string, target: HTMLElement): Promise<void> {
	const response = await fetch(`/api/meetings/${meetingId}/agenda`);
	if (!response.ok) return;
	const body = (await response.json()) as { proposals?: AgendaProposal[] };
	if (!Array.isArray(body.proposals)) return;
	const link = target.querySelector('a');
	const fallback = link ? { href: link.getAttribute('href') ?? '', label: link.textContent ?? '' } : undefined;
	target.textContent = '';
	render(<CouncilAgendaList proposals={body.proposals} fallback={fallback} />, target);
	target.dataset.state = 'live';
}
