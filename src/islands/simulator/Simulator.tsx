import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatApl, formatNumber, formatPercent, UNDER_SERVED } from '../../lib/domain/access.ts';
import {
	DEFAULT_ACTIVITY,
	impact,
	rankPlacements,
	simulate,
	simulatedValues,
	territorySummary,
	type Variant,
} from '../../lib/domain/scenario.ts';
import {
	addFromForm,
	CHANGE_KINDS,
	type ChangeKind,
	changeable,
	decodeSimCommunes,
	describeChange,
	FORM_FIELDS,
	type ScenarioChange,
	type ScenarioIssue,
	type SimCommune,
	scenarioModel,
	scenarioQuery,
	toSupplyChanges,
} from '../../lib/domain/scenario-url.ts';

export type SimulatorProps = {
	/** The page's path, without query: links and the form's action. */
	path: string;
	territoryName: string;
	year: number | null;
	/** The map's communes with a point, as encodeSimCommunes writes them (a short string in the page's HTML). */
	communes: string;
	/** GPs known per commune (practices entered by the coordinator): where departures can be simulated. */
	known: [string, { gps: number; aged65OrMore: number | null }][];
	knownSource: string | null;
	changes: ScenarioChange[];
	issues: ScenarioIssue[];
	/** The values of the "add a change" fields, kept after an error. */
	form: Record<string, string>;
};

/** What the map island reads to colour the communes with the simulated values. */
export type SimulationEvent = { values: Record<string, { apl: number | null; aplUnder65: number | null }> | null };
declare global {
	interface Window {
		pdsSimulation?: SimulationEvent;
	}
}

const VARIANTS: { key: Variant; label: string }[] = [
	{ key: 'all', label: 'tous les médecins généralistes' },
	{ key: 'under65', label: 'médecins de moins de 65 ans seulement' },
];
const FIELD_IDS: Record<ScenarioIssue['field'], string> = {
	ajout: 'simulation-ajout',
	commune: 'simulation-commune',
	nombre: 'simulation-nombre',
	dont65: 'simulation-dont65',
	adresse: 'simulation-titre',
};

const FRENCH = new Intl.Collator('fr');
const finite = (value: number) => (Number.isFinite(value) ? value : null);

/**
 * Runs `compute` and, in the browser, records its duration as a User Timing measure (`npm run bench`
 * reads them). Not on the server: Node keeps every measure in a global buffer.
 */
function measured<T>(name: string, compute: () => T): T {
	if (typeof window === 'undefined') return compute();
	const start = performance.now();
	const value = compute();
	performance.measure(name, { start, end: performance.now() });
	return value;
}

/** The simulation of `changes` and what the island shows of it. */
function recompute(
	model: ReturnType<typeof scenarioModel>,
	changes: readonly ScenarioChange[],
	communes: readonly SimCommune[],
	territoryCodes: readonly string[],
) {
	const simulation = simulate(model, toSupplyChanges(changes));
	const values = simulatedValues(model, simulation);
	const touched = [...simulation.touched].map((i) => ({
		code: model.codes[i]!,
		name: model.names[i] ?? model.codes[i]!,
		inTerritory: communes[i]!.inTerritory,
		apl: finite(model.apl[i]!),
		aplAfter: finite(values.apl[i]!),
		aplUnder65: finite(model.aplUnder65[i]!),
		aplUnder65After: finite(values.aplUnder65[i]!),
	}));
	return {
		summary: territorySummary(model, simulation, territoryCodes),
		impact: impact(model, simulation),
		touched: touched
			.filter((c) => c.apl !== c.aplAfter || c.aplUnder65 !== c.aplUnder65After)
			.sort((a, b) => Number(b.inTerritory) - Number(a.inTerritory) || FRENCH.compare(a.name, b.name)),
	};
}

/**
 * The access simulator: changes of supply (a GP leaving, GPs arriving, an MSP opening) applied to
 * the official APL by the method of scenario-method.md. The page renders it on the server from the
 * address (it works without JavaScript: the form sends the changes in the address); in the browser
 * it recomputes at once, keeps the address in step, and tells the map the simulated values.
 */
export default function Simulator(props: SimulatorProps) {
	const { path, territoryName, year } = props;
	const communes = useMemo(() => decodeSimCommunes(props.communes), [props.communes]);
	const [changes, setChanges] = useState(props.changes);
	const [issues, setIssues] = useState(props.issues);
	const [form, setForm] = useState(props.form);

	const known = useMemo(
		() =>
			new Map(
				props.known.map(([code, { gps, aged65OrMore }]) => [
					code,
					aged65OrMore === null ? { gps } : { gps, aged65OrMore },
				]),
			),
		[props.known],
	);
	const model = useMemo(() => measured('pds-model', () => scenarioModel(communes)), [communes]);
	const names = useMemo(() => new Map(communes.map((c) => [c.code, c.name])), [communes]);
	const territoryCodes = useMemo(() => communes.filter((c) => c.inTerritory).map((c) => c.code), [communes]);
	const { arrivals, departures } = useMemo(() => changeable(communes, known), [communes, known]);

	// When the last recomputation started: 'pds-simulation-update' runs from there to the DOM updated.
	const updateStarted = useRef<number | null>(null);
	const result = useMemo(() => {
		if (changes.length === 0) return null;
		if (typeof window !== 'undefined') updateStarted.current = performance.now();
		return measured('pds-simulation', () => recompute(model, changes, communes, territoryCodes));
	}, [model, changes, communes, territoryCodes]);
	useLayoutEffect(() => {
		if (updateStarted.current === null) return;
		performance.measure('pds-simulation-update', { start: updateStarted.current, end: performance.now() });
		updateStarted.current = null;
	}, [result]);

	const placements = useMemo(
		() =>
			measured('pds-placements', () =>
				rankPlacements(model, territoryCodes).filter((p) => p.all.people > 0 || p.under65.people > 0),
			),
		[model, territoryCodes],
	);

	// The map colours the communes with the simulated values (and back with none).
	useEffect(() => {
		const values: SimulationEvent['values'] = result
			? Object.fromEntries(result.touched.map((c) => [c.code, { apl: c.aplAfter, aplUnder65: c.aplUnder65After }]))
			: null;
		window.pdsSimulation = { values };
		window.dispatchEvent(new CustomEvent<SimulationEvent>('pds:simulation', { detail: { values } }));
	}, [result]);

	const href = (list: readonly ScenarioChange[]) => {
		const query = scenarioQuery(list);
		return `${path}${query ? `?${query}` : ''}#simulation`;
	};
	const apply = (list: ScenarioChange[], event?: Event) => {
		event?.preventDefault();
		setChanges(list);
		setIssues([]);
		history.replaceState(null, '', href(list));
	};
	const submit = (event: Event) => {
		event.preventDefault();
		const data = new FormData(event.currentTarget as HTMLFormElement);
		const values = Object.fromEntries(FORM_FIELDS.map((name) => [name, String(data.get(name) ?? '')]));
		setForm(values);
		const added = addFromForm(new URLSearchParams(values), changes, model, communes, known);
		if (added === null) return;
		if ('issues' in added) {
			setIssues(added.issues);
			document.getElementById(FIELD_IDS[added.issues[0]?.field ?? 'ajout'])?.focus();
			return;
		}
		apply(added.changes);
		setForm({ ajout: values.ajout ?? 'arrivee', commune: '', nombre: '1', dont65: '' });
	};

	const issueOf = (field: ScenarioIssue['field']) => issues.filter((i) => i.field === field);
	const described = (field: ScenarioIssue['field']) =>
		issueOf(field).length > 0 ? `${FIELD_IDS[field]}-erreur` : undefined;
	const fieldError = (field: ScenarioIssue['field']) =>
		issueOf(field).length > 0 && (
			<p class="field-error" id={`${FIELD_IDS[field]}-erreur`}>
				Erreur :{' '}
				{issueOf(field)
					.map((issue) => issue.message)
					.join(' ; ')}
			</p>
		);
	const kind = (form.ajout as ChangeKind) || (departures.length > 0 ? 'depart' : 'arrivee');
	const people = (n: number) => `${formatNumber(n)} habitant${n > 1 ? 's' : ''}`;

	return (
		<section id="simulation" aria-labelledby="simulation-titre" class="panel simulator">
			<h2 id="simulation-titre" tabIndex={-1}>
				Et si un médecin partait, ou s’installait ?
			</h2>
			<p class="simulator__warning">
				<strong>Simulation</strong> inspirée de l’APL de la DREES : ce ne sont pas des chiffres officiels. Elle ajoute à
				la valeur publiée par la DREES ({year}) l’effet du changement choisi, en estimant les temps de trajet à vol
				d’oiseau (environ 0,64 + 1,17 minute par kilomètre) ; un médecin compte pour {formatNumber(DEFAULT_ACTIVITY)}{' '}
				consultations par an, la valeur retenue par la DREES quand l’activité n’est pas connue.
			</p>

			{issueOf('adresse').length > 0 && (
				<div class="notice notice--error" role="alert">
					<p>Cette adresse de simulation ne peut pas être utilisée :</p>
					<ul>
						{issueOf('adresse').map((issue) => (
							<li key={issue.message}>{issue.message}</li>
						))}
					</ul>
				</div>
			)}

			{changes.length > 0 && result && (
				<div class="simulator__result" aria-live="polite">
					<h3>Changements simulés</h3>
					<ul class="simulator__changes">
						{changes.map((change, index) => {
							const rest = changes.filter((_, j) => j !== index);
							const text = describeChange(change, names.get(change.commune) ?? change.commune);
							return (
								<li key={`${change.kind}-${change.commune}-${index}`}>
									{text}{' '}
									<a class="no-print" href={href(rest)} onClick={(event) => apply(rest, event)}>
										Retirer<span class="visually-hidden"> : {text}</span>
									</a>
								</li>
							);
						})}
					</ul>
					<p class="no-print">
						<a href={href([])} onClick={(event) => apply([], event)}>
							Effacer la simulation
						</a>
					</p>

					<h3>Le territoire avant et après (simulation)</h3>
					{/* biome-ignore lint/a11y: a labelled scrolling region around a wide table, reachable with the keyboard (WCAG 1.4.10), as on the page's own table */}
					<div class="table-scroll" role="region" aria-labelledby="simulation-resume" tabIndex={0}>
						<table class="simulator__summary">
							<caption id="simulation-resume">
								{territoryName} : valeur DREES {year} et valeur simulée
							</caption>
							<thead>
								<tr>
									<th scope="col">Indicateur</th>
									<th scope="col">DREES {year}</th>
									<th scope="col">Simulation</th>
								</tr>
							</thead>
							<tbody>
								{VARIANTS.map(({ key, label }) => {
									const { before, after } = result.summary[key];
									return [
										<tr key={`${key}-apl`}>
											<th scope="row">APL moyen ({label})</th>
											<td>{formatApl(before.apl)}</td>
											<td>{formatApl(after.apl)}</td>
										</tr>,
										<tr key={`${key}-people`}>
											<th scope="row">Habitants en commune sous-dense, moins de 2,5 ({label})</th>
											<td>
												{formatNumber(before.populationUnderServed)} ({formatPercent(before.shareUnderServed)})
											</td>
											<td>
												{formatNumber(after.populationUnderServed)} ({formatPercent(after.shareUnderServed)})
											</td>
										</tr>,
										<tr key={`${key}-communes`}>
											<th scope="row">Communes sous-denses ({label})</th>
											<td>
												{before.communesUnderServed} sur {before.communes}
											</td>
											<td>
												{after.communesUnderServed} sur {after.communes}
											</td>
										</tr>,
									];
								})}
							</tbody>
						</table>
					</div>
					<p>
						Habitants des communes dont la valeur change (territoire et communes voisines) :{' '}
						<strong>{people(result.impact.all.changed.population)}</strong> dans {result.impact.all.changed.communes}{' '}
						commune{result.impact.all.changed.communes > 1 ? 's' : ''}.
					</p>

					<h3>Communes qui franchissent le seuil de 2,5 (simulation)</h3>
					{VARIANTS.map(({ key, label }) => {
						const crossings = result.impact[key].crossings;
						return (
							<div key={key}>
								<h4>En comptant {label}</h4>
								{crossings.length === 0 ? (
									<p>Aucune commune ne franchit le seuil.</p>
								) : (
									(['down', 'up'] as const).map((direction) => {
										const list = crossings.filter((c) => c.direction === direction);
										return (
											list.length > 0 && (
												<div key={direction}>
													<p class="simulator__crossing-title">
														{direction === 'down'
															? 'Passent sous 2,5 (valeur DREES → valeur simulée) :'
															: 'Repassent à 2,5 ou plus (valeur DREES → valeur simulée) :'}
													</p>
													<ul class="simulator__crossings">
														{list.map((c) => (
															<li key={c.code}>
																{c.name ?? c.code} : {formatApl(c.before)} → {formatApl(c.after)} (
																{formatNumber(c.population)} hab.)
															</li>
														))}
													</ul>
												</div>
											)
										);
									})
								)}
							</div>
						);
					})}

					<h3 class="no-print">Détail par commune (simulation)</h3>
					{/* biome-ignore lint/a11y: a labelled scrolling region around a wide table, reachable with the keyboard (WCAG 1.4.10), as on the page's own table */}
					<div class="table-scroll no-print" role="region" aria-labelledby="simulation-detail" tabIndex={0}>
						<table class="simulator__detail">
							<caption id="simulation-detail">Communes dont la valeur change : APL DREES {year} et APL simulé</caption>
							<thead>
								<tr>
									<th scope="col">Commune</th>
									<th scope="col">APL DREES</th>
									<th scope="col">APL simulé</th>
									<th scope="col">APL moins de 65 ans, DREES</th>
									<th scope="col">APL moins de 65 ans, simulé</th>
								</tr>
							</thead>
							<tbody>
								{result.touched.map((c) => (
									<tr key={c.code} class={c.inTerritory ? undefined : 'is-neighbour'}>
										<th scope="row">
											{c.name}
											{c.inTerritory ? '' : <span class="muted"> (voisine)</span>}
										</th>
										<td>{formatApl(c.apl)}</td>
										<td class={(c.aplAfter ?? 0) < UNDER_SERVED ? 'is-under' : undefined}>{formatApl(c.aplAfter)}</td>
										<td>{formatApl(c.aplUnder65)}</td>
										<td class={(c.aplUnder65After ?? 0) < UNDER_SERVED ? 'is-under' : undefined}>
											{formatApl(c.aplUnder65After)}
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				</div>
			)}

			<form method="get" action={`${path}#simulation`} class="simulator__form no-print" onSubmit={submit} noValidate>
				{changes.map((change, index) => (
					<input
						key={`${change.kind}-${change.commune}-${index}`}
						type="hidden"
						name={change.kind}
						value={scenarioQuery([change]).split('=')[1]}
					/>
				))}
				<fieldset aria-describedby={described('ajout')}>
					<legend>{changes.length > 0 ? 'Ajouter un autre changement' : 'Choisir un changement'}</legend>
					{fieldError('ajout')}
					<div id={FIELD_IDS.ajout} tabIndex={-1} class="simulator__kinds">
						{(Object.keys(CHANGE_KINDS) as ChangeKind[]).map((key) => (
							<label key={key}>
								<input
									type="radio"
									name="ajout"
									value={key}
									checked={kind === key}
									disabled={key === 'depart' && departures.length === 0}
									onChange={() => setForm({ ...form, ajout: key })}
								/>{' '}
								{CHANGE_KINDS[key].label}
							</label>
						))}
					</div>
					{departures.length === 0 && (
						<p class="hint">
							Aucun cabinet n’est encore renseigné pour ce territoire : un départ ne peut pas être simulé. La
							conseillère peut indiquer les cabinets et maisons de santé dans l’espace de gestion.
						</p>
					)}
					<label for={FIELD_IDS.commune}>Commune</label>
					{fieldError('commune')}
					<select
						id={FIELD_IDS.commune}
						name="commune"
						required
						aria-describedby={described('commune')}
						value={form.commune ?? ''}
						onChange={(event) => setForm({ ...form, commune: event.currentTarget.value })}
					>
						<option value="">— Choisissez une commune —</option>
						{departures.length > 0 && (
							<optgroup label="Communes où des médecins sont connus (départ possible)">
								{departures.map((c) => (
									<option key={`d-${c.code}`} value={c.code}>
										{c.name} ({known.get(c.code)?.gps} médecin{(known.get(c.code)?.gps ?? 0) > 1 ? 's' : ''} connu
										{(known.get(c.code)?.gps ?? 0) > 1 ? 's' : ''})
									</option>
								))}
							</optgroup>
						)}
						<optgroup label={`Communes du territoire (${territoryName})`}>
							{arrivals.map((c) => (
								<option key={`a-${c.code}`} value={c.code}>
									{c.name}
								</option>
							))}
						</optgroup>
					</select>
					<label for={FIELD_IDS.nombre}>Nombre de médecins</label>
					{fieldError('nombre')}
					<input
						id={FIELD_IDS.nombre}
						name="nombre"
						type="number"
						inputMode="numeric"
						min={1}
						max={50}
						required
						aria-describedby={described('nombre')}
						value={form.nombre ?? '1'}
						onInput={(event) => setForm({ ...form, nombre: event.currentTarget.value })}
					/>
					<label for={FIELD_IDS.dont65}>Pour un départ : dont médecins de 65 ans ou plus (facultatif)</label>
					{fieldError('dont65')}
					<input
						id={FIELD_IDS.dont65}
						name="dont65"
						type="number"
						inputMode="numeric"
						min={0}
						max={50}
						aria-describedby={described('dont65')}
						value={form.dont65 ?? ''}
						onInput={(event) => setForm({ ...form, dont65: event.currentTarget.value })}
					/>
					<button type="submit" class="button">
						Simuler
					</button>
				</fieldset>
				{props.knownSource && <p class="figure__source">Médecins connus : {props.knownSource}.</p>}
			</form>

			<h3 id="ou-un-medecin" class="no-print">
				Où un médecin de plus aiderait le plus ? (simulation)
			</h3>
			{placements.length === 0 ? (
				<p class="no-print">
					Dans ce territoire, un médecin de plus ne ferait à lui seul passer aucune commune au-dessus de 2,5 (valeurs
					DREES {year}, simulation).
				</p>
			) : (
				<div class="no-print">
					<p>
						Pour chaque commune du territoire : les habitants qu’un médecin de plus installé là ferait passer d’une
						commune sous-dense (moins de 2,5) à 2,5 ou plus, dans la commune et celles à moins de 20 minutes. Les
						communes les plus utiles d’abord.
					</p>
					<ol class="simulator__placements">
						{placements.slice(0, 10).map((p) => (
							<li key={p.code}>
								<strong>{p.name ?? p.code}</strong> : {people(p.all.people)} ({p.all.communes} commune
								{p.all.communes > 1 ? 's' : ''}) en comptant tous les médecins ; {people(p.under65.people)} en ne
								comptant que ceux de moins de 65 ans.{' '}
								<a
									class="no-print"
									href={href([...changes, { kind: 'arrivee', commune: p.code, gps: 1, aged65OrMore: 0 }])}
									onClick={(event) =>
										apply([...changes, { kind: 'arrivee', commune: p.code, gps: 1, aged65OrMore: 0 }], event)
									}
								>
									Simuler cette installation<span class="visually-hidden"> à {p.name ?? p.code}</span>
								</a>
							</li>
						))}
					</ol>
				</div>
			)}
			<p class="only-print">
				Source : DREES, APL {year} (valeurs officielles) ; simulation du site Pays de Santé, méthode décrite sur la
				page. Adresse de cette simulation : {path}
				{changes.length > 0 ? `?${scenarioQuery(changes)}` : ''}
			</p>
		</section>
	);
}
