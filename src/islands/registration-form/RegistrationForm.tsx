import { useEffect, useRef, useState } from 'preact/hooks';
import { registrationInputSchema } from '../../lib/domain/registration.ts';
import { PARTICIPANT_SELF_LABELS } from '../../lib/domain/vocabulary.ts';
import { ErrorSummary, FieldError, Honeypot } from '../forms/FieldError.tsx';
import { useValidatedForm } from '../forms/use-validated-form.ts';
import { fillCouncilAgenda } from './CouncilAgendaList.tsx';

type RegistrationFormProps = {
	meetingId: string;
	capacity: number;
	communes: { code: string; name: string }[];
	/** The id of the page's static section that the live list of proposals on the agenda replaces. */
	agendaTargetId?: string;
};

type Done = { status: 'confirmed' | 'waitlisted'; reference: string; cancelUrl: string | null; isExisting?: boolean };

const FIELD_ORDER = ['fullName', 'communeCode', 'email', 'phone', 'category', 'needs', 'consent'] as const;

/**
 * The sign-up form. Rendered on the server as a plain form that posts to the API (and works
 * without JavaScript); once hydrated, it checks fields before sending, shows each French message
 * next to its field, announces errors, moves focus to the first one, and shows the result in place.
 * The meeting page's one island, it also fills the page's static section of the proposals on the
 * meeting's agenda with the live list (`agendaTargetId`, see CouncilAgendaList.tsx).
 */
export default function RegistrationForm({ meetingId, capacity, communes, agendaTargetId }: RegistrationFormProps) {
	const [done, setDone] = useState<Done | undefined>();
	const [seats, setSeats] = useState<{ remaining: number; waitlisted: number } | undefined>();
	const result = useRef<HTMLDivElement>(null);
	const { form, errors, summary, sending, onSubmit, fieldProps } = useValidatedForm<Done>({
		schema: registrationInputSchema,
		action: `/api/meetings/${meetingId}/registrations`,
		fieldOrder: FIELD_ORDER,
		onSuccess: setDone,
	});

	useEffect(() => {
		fetch(`/api/meetings/${meetingId}`)
			.then((response) => (response.ok ? response.json() : undefined))
			.then((body) => body && setSeats(body))
			.catch(() => {});
	}, [meetingId]);

	// The page is static: once here, the proposals on the meeting's agenda are filled in place.
	useEffect(() => {
		const target = agendaTargetId ? document.getElementById(agendaTargetId) : null;
		if (target) fillCouncilAgenda(meetingId, target).catch(() => {});
	}, [meetingId, agendaTargetId]);

	useEffect(() => {
		if (done) result.current?.focus();
	}, [done]);

	if (done) {
		return (
			<div class="panel" role="status" tabIndex={-1} ref={result}>
				<h3>{done.status === 'confirmed' ? 'Votre place est réservée' : 'Vous êtes sur la liste d’attente'}</h3>
				<p>
					Votre numéro d’inscription : <strong>{done.reference}</strong>
					{done.isExisting && ' (vous étiez déjà inscrit·e)'}
				</p>
				{done.status === 'waitlisted' && (
					<p>Si une place se libère, elle vous sera attribuée dans l’ordre d’arrivée.</p>
				)}
				<p>
					<a href={`/reunions/${meetingId}.ics`}>Ajouter la réunion à mon agenda</a>
				</p>
				{done.cancelUrl && (
					<p>
						Gardez ce lien pour annuler si vous ne pouvez pas venir :{' '}
						<a href={done.cancelUrl}>annuler mon inscription</a>
					</p>
				)}
			</div>
		);
	}

	return (
		<form
			ref={form}
			method="post"
			action={`/api/meetings/${meetingId}/registrations`}
			class="form"
			noValidate
			onSubmit={onSubmit}
		>
			<p class="seats" aria-live="polite">
				{seats
					? seats.remaining > 0
						? `Il reste ${seats.remaining} place${seats.remaining > 1 ? 's' : ''} sur ${capacity}.`
						: `Complet : ${seats.waitlisted} personne${seats.waitlisted > 1 ? 's' : ''} en liste d’attente. Vous pouvez vous y inscrire.`
					: `${capacity} places.`}
			</p>
			<ErrorSummary summary={summary} />
			<p class="muted">Les champs marqués d’un astérisque (*) sont obligatoires.</p>
			<div class="field">
				<label for="fullName">Prénom et nom *</label>
				<input id="fullName" name="fullName" autocomplete="name" required {...fieldProps('fullName')} />
				<FieldError name="fullName" errors={errors} />
			</div>
			<div class="field">
				<label for="communeCode">Votre commune</label>
				<select id="communeCode" name="communeCode" autocomplete="off" {...fieldProps('communeCode')}>
					<option value="">Autre commune, ou je préfère ne pas le dire</option>
					{communes.map((commune) => (
						<option value={commune.code}>{commune.name}</option>
					))}
				</select>
				<FieldError name="communeCode" errors={errors} />
			</div>
			<fieldset class="field">
				<legend>Pour vous joindre : courriel ou téléphone (au moins l’un des deux) *</legend>
				<label for="email">Adresse électronique</label>
				<input id="email" name="email" type="email" autocomplete="email" {...fieldProps('email', 'email-aide')} />
				<p class="hint" id="email-aide">
					Exemple : nom@exemple.fr
				</p>
				<FieldError name="email" errors={errors} />
				<label for="phone">Téléphone</label>
				<input id="phone" name="phone" type="tel" autocomplete="tel" {...fieldProps('phone', 'phone-aide')} />
				<p class="hint" id="phone-aide">
					Exemple : 05 53 00 00 00
				</p>
				<FieldError name="phone" errors={errors} />
			</fieldset>
			<fieldset class="field" aria-describedby={fieldProps('category')['aria-describedby']}>
				<legend>Vous venez en tant que *</legend>
				{Object.entries(PARTICIPANT_SELF_LABELS).map(([value, label]) => (
					<div class="choice">
						<input type="radio" id={`category-${value}`} name="category" value={value} required />
						<label for={`category-${value}`}>{label}</label>
					</div>
				))}
				<FieldError name="category" errors={errors} />
			</fieldset>
			<div class="field">
				<label for="needs">Un besoin pour venir ? (facultatif)</label>
				<textarea id="needs" name="needs" rows={3} maxLength={500} {...fieldProps('needs', 'needs-aide')} />
				<p class="hint" id="needs-aide">
					Transport, accès en fauteuil, boucle magnétique… N’indiquez aucune information sur votre santé.
				</p>
				<FieldError name="needs" errors={errors} />
			</div>
			<div class="field choice">
				<input type="checkbox" id="consent" name="consent" required {...fieldProps('consent')} />
				<label for="consent">
					J’accepte que ces informations servent uniquement à organiser cette réunion. Elles sont effacées après la
					réunion (<a href="/donnees-personnelles/">en savoir plus</a>). *
				</label>
				<FieldError name="consent" errors={errors} />
			</div>
			<Honeypot />
			<button type="submit" class="button" disabled={sending}>
				{sending ? 'Envoi en cours…' : 'M’inscrire à la réunion'}
			</button>
		</form>
	);
}
