import { useEffect, useRef, useState } from 'preact/hooks';
import { fieldErrors, registrationInputSchema } from '../../lib/domain/registration.ts';
import { PARTICIPANT_SELF_LABELS } from '../../lib/domain/vocabulary.ts';

type RegistrationFormProps = {
	meetingId: string;
	capacity: number;
	communes: { code: string; name: string }[];
};

type Done = { status: 'confirmed' | 'waitlisted'; reference: string; cancelUrl: string | null; isExisting?: boolean };

const FIELD_ORDER = ['fullName', 'communeCode', 'email', 'phone', 'category', 'needs', 'consent'] as const;

/**
 * The sign-up form. Rendered on the server as a plain form that posts to the API (and works
 * without JavaScript); once hydrated, it checks fields before sending, shows each French message
 * next to its field, announces errors, moves focus to the first one, and shows the result in place.
 */
export default function RegistrationForm({ meetingId, capacity, communes }: RegistrationFormProps) {
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [summary, setSummary] = useState('');
	const [done, setDone] = useState<Done | undefined>();
	const [sending, setSending] = useState(false);
	const [seats, setSeats] = useState<{ remaining: number; waitlisted: number } | undefined>();
	const form = useRef<HTMLFormElement>(null);
	const result = useRef<HTMLDivElement>(null);

	useEffect(() => {
		fetch(`/api/meetings/${meetingId}`)
			.then((response) => (response.ok ? response.json() : undefined))
			.then((body) => body && setSeats(body))
			.catch(() => {});
	}, [meetingId]);

	useEffect(() => {
		if (done) result.current?.focus();
	}, [done]);

	const showErrors = (fields: Record<string, string>, message: string) => {
		setErrors(fields);
		setSummary(message);
		const first = FIELD_ORDER.find((name) => fields[name]);
		if (first) (form.current?.elements.namedItem(first) as HTMLElement | null)?.focus();
	};

	const onSubmit = async (event: Event) => {
		event.preventDefault();
		const data = Object.fromEntries(new FormData(form.current ?? undefined));
		const checked = registrationInputSchema.safeParse(data);
		if (!checked.success) {
			showErrors(fieldErrors(checked.error), 'Certaines informations sont à corriger.');
			return;
		}
		setSending(true);
		try {
			const response = await fetch(`/api/meetings/${meetingId}/registrations`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(data),
			});
			const body = await response.json();
			if (response.ok) {
				setErrors({});
				setSummary('');
				setDone(body as Done);
			} else {
				showErrors(body.error?.fields ?? {}, body.error?.message ?? 'L’inscription n’a pas pu être enregistrée.');
			}
		} catch {
			showErrors({}, 'La connexion a échoué. Vérifiez votre connexion internet puis réessayez.');
		} finally {
			setSending(false);
		}
	};

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

	const describedBy = (name: string, hint?: string) =>
		[hint, errors[name] ? `${name}-erreur` : undefined].filter(Boolean).join(' ') || undefined;
	const error = (name: string) =>
		errors[name] ? (
			<p class="field-error" id={`${name}-erreur`}>
				Erreur : {errors[name]}
			</p>
		) : null;

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
			<div role="alert" class={summary ? 'error-summary' : undefined}>
				{summary && <p>{summary}</p>}
			</div>
			<p class="muted">Les champs marqués d’un astérisque (*) sont obligatoires.</p>
			<div class="field">
				<label for="fullName">Prénom et nom *</label>
				<input
					id="fullName"
					name="fullName"
					autocomplete="name"
					required
					aria-invalid={errors.fullName ? 'true' : undefined}
					aria-describedby={describedBy('fullName')}
				/>
				{error('fullName')}
			</div>
			<div class="field">
				<label for="communeCode">Votre commune</label>
				<select
					id="communeCode"
					name="communeCode"
					autocomplete="off"
					aria-invalid={errors.communeCode ? 'true' : undefined}
					aria-describedby={describedBy('communeCode')}
				>
					<option value="">Autre commune, ou je préfère ne pas le dire</option>
					{communes.map((commune) => (
						<option value={commune.code}>{commune.name}</option>
					))}
				</select>
				{error('communeCode')}
			</div>
			<fieldset class="field">
				<legend>Pour vous joindre : courriel ou téléphone (au moins l’un des deux) *</legend>
				<label for="email">Adresse électronique</label>
				<input
					id="email"
					name="email"
					type="email"
					autocomplete="email"
					aria-invalid={errors.email ? 'true' : undefined}
					aria-describedby={describedBy('email', 'email-aide')}
				/>
				<p class="hint" id="email-aide">
					Exemple : nom@exemple.fr
				</p>
				{error('email')}
				<label for="phone">Téléphone</label>
				<input
					id="phone"
					name="phone"
					type="tel"
					autocomplete="tel"
					aria-invalid={errors.phone ? 'true' : undefined}
					aria-describedby={describedBy('phone', 'phone-aide')}
				/>
				<p class="hint" id="phone-aide">
					Exemple : 05 53 00 00 00
				</p>
				{error('phone')}
			</fieldset>
			<fieldset class="field" aria-describedby={describedBy('category')}>
				<legend>Vous venez en tant que *</legend>
				{Object.entries(PARTICIPANT_SELF_LABELS).map(([value, label]) => (
					<div class="choice">
						<input type="radio" id={`category-${value}`} name="category" value={value} required />
						<label for={`category-${value}`}>{label}</label>
					</div>
				))}
				{error('category')}
			</fieldset>
			<div class="field">
				<label for="needs">Un besoin pour venir ? (facultatif)</label>
				<textarea
					id="needs"
					name="needs"
					rows={3}
					maxLength={500}
					aria-invalid={errors.needs ? 'true' : undefined}
					aria-describedby={describedBy('needs', 'needs-aide')}
				/>
				<p class="hint" id="needs-aide">
					Transport, accès en fauteuil, boucle magnétique… N’indiquez aucune information sur votre santé.
				</p>
				{error('needs')}
			</div>
			<div class="field choice">
				<input
					type="checkbox"
					id="consent"
					name="consent"
					required
					aria-invalid={errors.consent ? 'true' : undefined}
					aria-describedby={describedBy('consent')}
				/>
				<label for="consent">
					J’accepte que ces informations servent uniquement à organiser cette réunion. Elles sont effacées après la
					réunion (<a href="/donnees-personnelles/">en savoir plus</a>). *
				</label>
				{error('consent')}
			</div>
			<div class="honeypot" aria-hidden="true">
				<label for="website">Ne pas remplir ce champ</label>
				<input id="website" name="website" tabIndex={-1} autocomplete="off" />
			</div>
			<button type="submit" class="button" disabled={sending}>
				{sending ? 'Envoi en cours…' : 'M’inscrire à la réunion'}
			</button>
		</form>
	);
}
