import { useEffect, useRef, useState } from 'preact/hooks';
import { proposalInputSchema } from '../../lib/domain/proposal.ts';
import { PROPOSAL_THEMES } from '../../lib/domain/vocabulary.ts';
import { ErrorSummary, FieldError, Honeypot } from '../forms/FieldError.tsx';
import { useValidatedForm } from '../forms/use-validated-form.ts';

type ProposalFormProps = {
	territories: { id: string; name: string; communes: { code: string; name: string }[] }[];
};

const FIELD_ORDER = [
	'title',
	'description',
	'theme',
	'territoryId',
	'communeCode',
	'authorName',
	'authorContact',
	'consent',
];

/**
 * The proposal form: a plain form posting to `/api/proposals` without JavaScript; once hydrated,
 * it checks fields before sending, reports how long the form has been open (robots answer within
 * a second), announces and focuses errors, and shows the result in place.
 */
export default function ProposalForm({ territories }: ProposalFormProps) {
	const openedAt = useRef(Date.now());
	const [sent, setSent] = useState<{ id: number } | undefined>();
	const result = useRef<HTMLDivElement>(null);
	const { form, errors, summary, sending, onSubmit, fieldProps } = useValidatedForm<{ id: number }>({
		schema: proposalInputSchema,
		action: '/api/proposals',
		fieldOrder: FIELD_ORDER,
		extra: () => ({ elapsedMs: Date.now() - openedAt.current }),
		onSuccess: setSent,
	});

	useEffect(() => {
		if (sent) result.current?.focus();
	}, [sent]);

	if (sent) {
		return (
			<div class="panel" role="status" tabIndex={-1} ref={result}>
				<h2>Merci, votre proposition est bien reçue</h2>
				<p>
					Elle porte le numéro <strong>{sent.id}</strong>. La conseillère la relit avant de la publier ; si vous avez
					laissé vos coordonnées, vous serez prévenu·e de chaque étape.
				</p>
				<p>
					<a href="/propositions/">Voir les propositions publiées</a>
				</p>
			</div>
		);
	}

	return (
		<form ref={form} method="post" action="/api/proposals" class="form" noValidate onSubmit={onSubmit}>
			<ErrorSummary summary={summary} />
			<FieldError name="form" errors={errors} />
			<p class="muted">Les champs marqués d’un astérisque (*) sont obligatoires.</p>
			<div class="field">
				<label for="title">Titre de votre proposition *</label>
				<input id="title" name="title" required maxLength={120} {...fieldProps('title', 'title-aide')} />
				<p class="hint" id="title-aide">
					En quelques mots, 120 caractères au plus.
				</p>
				<FieldError name="title" errors={errors} />
			</div>
			<div class="field">
				<label for="description">Votre proposition *</label>
				<textarea
					id="description"
					name="description"
					rows={8}
					required
					maxLength={2000}
					{...fieldProps('description', 'description-aide')}
				/>
				<p class="hint" id="description-aide">
					Ce qui manque, ce qui aiderait, où et pour qui. 2 000 caractères au plus.
				</p>
				<FieldError name="description" errors={errors} />
			</div>
			<div class="field">
				<label for="theme">Thème *</label>
				<select id="theme" name="theme" required {...fieldProps('theme')}>
					<option value="">— Choisissez un thème —</option>
					{Object.entries(PROPOSAL_THEMES).map(([value, label]) => (
						<option value={value}>{label}</option>
					))}
				</select>
				<FieldError name="theme" errors={errors} />
			</div>
			<div class="field">
				<label for="territoryId">Territoire *</label>
				<select id="territoryId" name="territoryId" required {...fieldProps('territoryId')}>
					<option value="">— Choisissez un territoire —</option>
					{territories.map((t) => (
						<option value={t.id}>{t.name}</option>
					))}
				</select>
				<FieldError name="territoryId" errors={errors} />
			</div>
			<div class="field">
				<label for="communeCode">Commune concernée (facultatif)</label>
				<select id="communeCode" name="communeCode" {...fieldProps('communeCode')}>
					<option value="">Tout le territoire</option>
					{territories.map((t) => (
						<optgroup label={t.name}>
							{t.communes.map((c) => (
								<option value={c.code}>{c.name}</option>
							))}
						</optgroup>
					))}
				</select>
				<FieldError name="communeCode" errors={errors} />
			</div>
			<fieldset class="field">
				<legend>Pour recevoir la réponse (facultatif)</legend>
				<label for="authorName">Votre nom</label>
				<input id="authorName" name="authorName" autocomplete="name" maxLength={120} {...fieldProps('authorName')} />
				<FieldError name="authorName" errors={errors} />
				<label for="authorContact">Votre courriel ou votre téléphone</label>
				<input
					id="authorContact"
					name="authorContact"
					autocomplete="email"
					maxLength={254}
					{...fieldProps('authorContact')}
				/>
				<FieldError name="authorContact" errors={errors} />
				<div class="choice">
					<input type="checkbox" id="consent" name="consent" {...fieldProps('consent')} />
					<label for="consent">
						J’accepte que ces coordonnées servent uniquement à me tenir informé·e de cette proposition (
						<a href="/donnees-personnelles/">en savoir plus</a>). Elles ne sont jamais publiées.
					</label>
				</div>
				<FieldError name="consent" errors={errors} />
			</fieldset>
			<Honeypot />
			<button type="submit" class="button" disabled={sending}>
				{sending ? 'Envoi en cours…' : 'Envoyer ma proposition'}
			</button>
		</form>
	);
}
