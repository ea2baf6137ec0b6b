import { describe, expect, it } from 'vitest';
import { PROPOSAL_STATUSES, type ProposalStatus } from '../../domain/vocabulary.ts';
import { type AuditEntry, actorLabel, describeEntry } from './journal.ts';
import { channelLabel, communeName, formatDateTime, formatPhone, registrationStatusLabel } from './labels.ts';
import { nextStatusChoices } from './moderation.ts';
import { type ExportedProposal, proposalsCsv } from './proposals-csv.ts';
import { type Registration, registrationsCsv } from './registrations.ts';

const entry = (action: string, targetId: string, details: Record<string, unknown>, actorRole = 'coordinator') =>
	({
		id: 1,
		actorId: '00000000-0000-4000-8000-00000000c00d',
		actorRole,
		action,
		targetType: action.startsWith('proposal') ? 'proposal' : 'registration',
		targetId,
		details,
		createdAt: '2027-01-21T17:30:00Z',
	}) satisfies AuditEntry;

describe('the workspace in French', () => {
	it('writes dates in Paris time in full, phones as people write them, commune names before codes', () => {
		expect(formatDateTime('2027-01-21T17:30:00Z')).toBe('jeudi 21 janvier 2027 à 18 h 30');
		expect(formatDateTime(new Date('2027-07-01T08:05:00Z'))).toBe('jeudi 1 juillet 2027 à 10 h 05');
		expect(formatDateTime(null)).toBe('');
		expect(formatPhone('+33553560000')).toBe('05 53 56 00 00');
		expect(formatPhone('+4420123456')).toBe('+4420123456');
		expect(communeName('24311', new Map([['24311', 'Nontron']]), 'Autre')).toBe('Nontron');
		expect(communeName('24311', new Map(), null, 'Nontron')).toBe('Nontron');
		expect(communeName('24311')).toBe('commune au code INSEE 24311 (nom inconnu)');
		expect(communeName(null)).toBe('');
		expect([channelLabel('web'), channelLabel('phone'), channelLabel('paper')]).toStrictEqual([
			'en ligne',
			'téléphone',
			'papier',
		]);
		expect(registrationStatusLabel('waitlisted')).toBe('liste d’attente');
	});

	it('reads the journal as sentences, with the actor as a role and no account id', () => {
		const titles = (id: string) => (id === '2027-01-nontronnais' ? 'Conseil du Nontronnais' : undefined);
		expect(describeEntry(entry('proposal.decision', '12', { from: 'pending', to: 'published' }))).toBe(
			'Proposition 12 publiée (elle était en attente de modération)',
		);
		expect(describeEntry(entry('proposal.decision', '12', { from: 'published', to: 'rejected' }))).toMatch(
			/^Proposition 12 non retenue/,
		);
		expect(describeEntry(entry('proposal.threshold_reached', '7', { threshold: 20 }, 'system'))).toBe(
			'Proposition 7 inscrite à l’ordre du jour du Conseil : 20 soutiens atteints',
		);
		expect(
			describeEntry(
				entry('registration.cancelled', 'K7P2QX', {
					meeting: '2027-01-nontronnais',
					from: 'confirmed',
					promoted: ['M3RT8B'],
				}),
				titles,
			),
		).toBe(
			'Réunion « Conseil du Nontronnais » : inscription K7P2QX annulée par la coordination (elle était confirmée) ; inscription M3RT8B confirmée depuis la liste d’attente',
		);
		expect(
			describeEntry(
				entry('registration.promoted', 'M3RT8B', { meeting: 'x', freedBy: 'K7P2QX', notified: false }, 'system'),
			),
		).toBe(
			'Réunion « x » : inscription M3RT8B confirmée depuis la liste d’attente : une place s’est libérée (annulation de K7P2QX) ; sans adresse électronique : à prévenir par téléphone',
		);
		expect(
			describeEntry(entry('registration.updated', 'K7P2QX', { meeting: 'x', fields: ['fullName', 'phone'] })),
		).toBe('Réunion « x » : coordonnées de l’inscription K7P2QX corrigées (nom et téléphone)');
		expect(describeEntry(entry('registration.recorded', 'K7P2QX', { channel: 'paper', meeting: 'x' }))).toBe(
			'Réunion « x » : inscription K7P2QX saisie (reçue par papier)',
		);
		expect(describeEntry(entry('registrations.purged', 'all', { count: 3, days: 90 }, 'system'))).toBe(
			'Données personnelles de 3 inscriptions effacées (réunions passées depuis plus de 90 jours)',
		);
		expect(describeEntry(entry('registration.confirmed', 'M3RT8B', { notified: true }))).toBe(
			'Inscription M3RT8B passée de la liste d’attente à confirmée par la coordination ; message envoyé par courriel',
		);
		expect(describeEntry(entry('proposal.decision', '5', { from: 'published', to: 'on_council_agenda' }))).toBe(
			'Proposition 5 inscrite à l’ordre du jour du Conseil (elle était publiée)',
		);
		expect(describeEntry(entry('supports.purged', 'unconfirmed', { count: 2 }, 'system'))).toBe(
			'2 soutiens jamais confirmés effacés',
		);
		expect(describeEntry(entry('something.new', 'x', {}, 'system'))).toBe(
			'Action technique enregistrée (code « something.new », sur l’inscription x)',
		);
		expect(actorLabel('coordinator')).toBe('Coordination');
		expect(actorLabel('system')).toBe('Automatique');
		for (const to of Object.keys(PROPOSAL_STATUSES)) {
			expect(describeEntry(entry('proposal.decision', '3', { from: 'published', to }))).not.toMatch(
				/[a-z]+_[a-z]+|: published/,
			);
		}
	});

	it('selects the usual next step in the moderation menu, never the current status', () => {
		expect(nextStatusChoices('pending', ['published', 'rejected', 'withdrawn'])).toStrictEqual({
			choices: ['published', 'rejected', 'withdrawn'],
			selected: 'published',
		});
		const published: ProposalStatus[] = [
			'accepted',
			'already_exists',
			'on_council_agenda',
			'out_of_scope',
			'rejected',
			'removed',
			'under_study',
			'withdrawn',
		];
		expect(nextStatusChoices('published', published)).toStrictEqual({
			choices: [
				'under_study',
				'on_council_agenda',
				'accepted',
				'rejected',
				'already_exists',
				'out_of_scope',
				'withdrawn',
				'removed',
			],
			selected: 'under_study',
		});
		expect(nextStatusChoices('accepted', ['done', 'removed']).selected).toBe('done');
		// A refused proposal can only be removed: nothing is selected, the coordinator chooses.
		expect(nextStatusChoices('rejected', ['removed'])).toStrictEqual({ choices: ['removed'], selected: undefined });
		expect(nextStatusChoices('done', ['done' as ProposalStatus, 'removed']).choices).toStrictEqual(['removed']);
	});

	it('exports CSV with French words, names and Paris dates, under stable columns', () => {
		const registration: Registration = {
			reference: 'K7P2QX',
			status: 'waitlisted',
			fullName: 'Jeanne',
			communeCode: '24311',
			communeName: null,
			email: null,
			phone: '+33553000000',
			category: 'elus',
			needs: null,
			channel: 'paper',
			createdAt: '2027-01-05T09:00:00Z',
			statusChangedAt: '2027-01-05T09:00:00Z',
		};
		const csv = registrationsCsv([registration], new Map([['24311', 'Nontron']]));
		expect(csv.split('\r\n')[1]).toBe(
			'K7P2QX;liste d’attente;Jeanne;Nontron;24311;;05 53 00 00 00;Élu·e;;papier;mardi 5 janvier 2027 à 10 h 00;mardi 5 janvier 2027 à 10 h 00',
		);
		const proposal: ExportedProposal = {
			id: 4,
			supports: 2,
			title: 'Navette',
			theme: 'appui-cabinets',
			territoryId: 'nontronnais',
			territoryName: 'Nontronnais',
			communeCode: '24311',
			communeName: 'Nontron',
			status: 'on_council_agenda',
			statusReason: null,
			answer: null,
			authorName: null,
			authorEmail: null,
			authorPhone: null,
			channel: 'web',
			createdAt: '2027-03-28T00:30:00Z',
			publishedAt: null,
		};
		expect(proposalsCsv([proposal]).split('\r\n')[1]).toBe(
			'4;Navette;Appui aux cabinets;Nontronnais;Nontron;24311;Inscrite à l’ordre du jour du Conseil;;;2;;;;en ligne;dimanche 28 mars 2027 à 01 h 30;',
		);
	});
});

describe('the workspace’s pages for someone who may not see them', () => {
	it('answers a signed-in user who is not the coordinator with a French page, styled, not plain text', async () => {
		const { adminSession } = await import('./page-session.ts');
		const { signToken } = await import('../auth/jwt.ts');
		const { jwtSecret } = await import('../auth/caller.ts');
		const token = await signToken(
			{ role: 'authenticated', sub: '00000000-0000-4000-8000-000000000002' },
			jwtSecret() ?? '',
		);
		const answer = await adminSession(
			new Request('http://localhost/admin/', { headers: { Authorization: `Bearer ${token}` } }),
		);
		if (!(answer instanceof Response)) throw new Error('expected a refusal');
		expect(answer.status).toBe(403);
		expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
		const html = await answer.text();
		expect(html).toContain('Cet espace est réservé à la coordination du Pays de Santé.');
		expect(html).toMatch(/<style>[^<]*max-width:40rem/);
	});

	it('answers an unknown meeting with a French 404 page and a way back', async () => {
		const { workspaceNotFound } = await import('./pages.ts');
		const answer = workspaceNotFound('Cette réunion n’existe pas.', '/admin/reunions/');
		expect(answer.status).toBe(404);
		expect(await answer.text()).toContain('<a href="/admin/reunions/">Revenir à la liste</a>');
	});
});
