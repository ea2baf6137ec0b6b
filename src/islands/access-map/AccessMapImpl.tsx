import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './access-map.css';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
	type AccessCommune,
	type AccessMap,
	APL_CLASSES,
	type AplClass,
	aplClass,
	approximateMinutes,
	distanceKm,
	formatApl,
	formatNumber,
	formatPercent,
	formatTrend,
	REACH_KM,
	RISK_CLASSES,
	type RiskClass,
	riskClass,
	TRAVEL_BANDS,
	type TravelBand,
	travelBand,
} from '../../lib/domain/access.ts';
import type { SimulationEvent } from '../simulator/Simulator.tsx';
import type { AccessMapProps } from './AccessMap.tsx';

type Layer = 'apl' | 'risk';
type Doctors = 'all' | 'under65';

const NO_DATA = '#d9d9d9';
/** Below this zoom only the territory's communes are named; their neighbours join from it. */
const NEIGHBOUR_LABEL_ZOOM = 11;
const REACH_WEIGHT: Record<TravelBand, number> = { under10: 3, from10to15: 2.5, from15to20: 2 };
/** While the map is built, the work done per task (communes' outlines, then names) before yielding. */
const TASK_MS = 20;

/** Lets the browser handle input and paint before the next piece of work. */
function nextTask(): Promise<void> {
	const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
	if (scheduler?.yield) return scheduler.yield();
	return new Promise((resolve) => setTimeout(resolve, 0));
}

function figureOf(commune: AccessCommune, doctors: Doctors) {
	return doctors === 'all' ? commune.apl : commune.aplUnder65;
}

/** The class of a commune on the layer shown, with its words (legend, tooltip) and colour. */
function classOf(commune: AccessCommune, layer: Layer, doctors: Doctors) {
	if (layer === 'risk') {
		const risk = riskClass(commune.share65);
		return risk ? { key: risk, ...RISK_CLASSES[risk] } : null;
	}
	const klass = aplClass(figureOf(commune, doctors));
	return klass ? { key: klass, ...APL_CLASSES[klass] } : null;
}

function describe(commune: AccessCommune, layer: Layer, doctors: Doctors, year: number | null): string {
	const klass = classOf(commune, layer, doctors);
	const where = commune.inTerritory ? '' : ' (commune voisine)';
	if (layer === 'risk') {
		return `${commune.name}${where} — part de l’offre assurée par des médecins de 65 ans ou plus en ${year} : ${formatPercent(commune.share65)}${klass ? ` (risque ${klass.label.toLowerCase()})` : ''}`;
	}
	const label = doctors === 'all' ? 'APL' : 'APL moins de 65 ans';
	const change = doctors === 'all' ? commune.aplTrend : commune.aplUnder65Trend;
	return `${commune.name}${where} — ${label} ${year} : ${formatApl(figureOf(commune, doctors))}${klass ? ` (${klass.label.toLowerCase()}, ${klass.range})` : ' (non publié)'} ; évolution depuis ${commune.previousYear ?? 'l’année précédente'} : ${formatTrend(change)}`;
}

/** Communes reachable in about 20 minutes from `origin`, by DREES band (straight-line approximation). */
function reachOf(origin: AccessCommune | undefined, communes: AccessCommune[]): Map<string, TravelBand> {
	const reach = new Map<string, TravelBand>();
	if (!origin?.point) return reach;
	for (const commune of communes) {
		if (!commune.point) continue;
		const km = commune.code === origin.code ? 0 : distanceKm(origin.point, commune.point);
		const band = km <= REACH_KM ? travelBand(approximateMinutes(km)) : null;
		if (band) reach.set(commune.code, band);
	}
	return reach;
}

export default function AccessMapImpl({ territory, territoryName, known }: AccessMapProps) {
	const [data, setData] = useState<AccessMap | null>(null);
	const [error, setError] = useState('');
	const [layer, setLayer] = useState<Layer>('apl');
	const [doctors, setDoctors] = useState<Doctors>('all');
	const [selected, setSelected] = useState('');
	const [showReach, setShowReach] = useState(false);
	const [basemap, setBasemap] = useState(false);
	const [showGps, setShowGps] = useState(false);
	const gpMarkers = useRef<L.LayerGroup | null>(null);
	const container = useRef<HTMLDivElement>(null);
	const map = useRef<L.Map | null>(null);
	const shapes = useRef(new Map<string, L.Path>());
	const tiles = useRef<L.TileLayer | null>(null);
	const labels = useRef<{ commune: AccessCommune; marker: L.Marker }[]>([]);
	const placeLabels = useRef(() => {});
	// Tooltips read the current choices when they open.
	// The simulator (below the map) sends its simulated values: the APL layer then shows them.
	const [simulated, setSimulated] = useState<SimulationEvent['values']>(() => window.pdsSimulation?.values ?? null);
	useEffect(() => {
		const listen = (event: Event) => setSimulated((event as CustomEvent<SimulationEvent>).detail.values);
		window.addEventListener('pds:simulation', listen);
		return () => window.removeEventListener('pds:simulation', listen);
	}, []);
	const shown = (commune: AccessCommune): AccessCommune => {
		const values = simulated?.[commune.code];
		return values ? { ...commune, ...values } : commune;
	};

	useEffect(() => {
		const controller = new AbortController();
		fetch(`/api/access-map?territory=${encodeURIComponent(territory)}`, { signal: controller.signal })
			.then((response) => {
				if (!response.ok) throw new Error(String(response.status));
				return response.json() as Promise<AccessMap>;
			})
			.then(setData)
			.catch((failure: unknown) => {
				if (!controller.signal.aborted) {
					setError(
						'Les données de la carte n’ont pas pu être chargées. Le tableau ci-dessous donne les mêmes chiffres.',
					);
					console.warn(failure);
				}
			});
		return () => controller.abort();
	}, [territory]);

	const communes = useMemo(() => data?.features.map((f) => f.properties) ?? [], [data]);
	const byCode = useMemo(() => new Map(communes.map((c) => [c.code, c])), [communes]);
	const current = byCode.get(selected);
	const reach = useMemo(
		() => (showReach ? reachOf(current, communes) : new Map<string, TravelBand>()),
		[showReach, current, communes],
	);
	// What the map's callbacks (tooltips, styles) read: the current choices.
	const view = useRef(
		{} as {
			layer: Layer;
			doctors: Doctors;
			selected: string;
			shown: (commune: AccessCommune) => AccessCommune;
			reach: Map<string, TravelBand>;
			showReach: boolean;
			current: AccessCommune | undefined;
			styleOf: (commune: AccessCommune) => L.PathOptions;
		},
	);

	const styleOf = (commune: AccessCommune): L.PathOptions => {
		const { layer, doctors, selected, reach, showReach, current } = view.current;
		const klass = classOf(view.current.shown(commune), layer, doctors);
		const band = reach.get(commune.code);
		const dimmed = showReach && current && !band;
		const isSelected = commune.code === selected;
		return {
			fillColor: klass?.colour ?? NO_DATA,
			fillOpacity: dimmed ? 0.15 : commune.inTerritory ? 0.85 : 0.4,
			color: isSelected || band ? '#000000' : commune.inTerritory ? '#333333' : '#8a8a8a',
			weight: isSelected ? 4 : band ? REACH_WEIGHT[band] : commune.inTerritory ? 1 : 0.5,
			dashArray: band === 'from15to20' && !isSelected ? '4 3' : '',
		};
	};
	view.current = { layer, doctors, selected, shown, reach, showReach, current, styleOf };

	// Build the map once the data are there, a slice of communes per task: one long task would hold
	// the page's main thread (scrolling, typing) for a good part of a second on a modest phone.
	const [built, setBuilt] = useState(false);
	useEffect(() => {
		if (!data || !container.current || map.current) return;
		let cancelled = false;
		const leaflet = L.map(container.current, {
			renderer: L.canvas({ tolerance: 4 }),
			zoomSnap: 0.25,
			zoomControl: false,
			// The credits are a line of text under the map: on a phone Leaflet's box covered the map.
			attributionControl: false,
		});
		map.current = leaflet;
		L.control.zoom({ zoomInTitle: 'Zoom avant', zoomOutTitle: 'Zoom arrière' }).addTo(leaflet);
		// A first view from the communes' points (cheap), refined from their outlines at the end.
		const points = communes.filter((c) => c.point && c.inTerritory).map((c) => L.latLng(c.point![1], c.point![0]));
		if (points.length > 0) leaflet.fitBounds(L.latLngBounds(points), { padding: [8, 8], maxZoom: 11 });
		const group = L.geoJSON(undefined, {
			pointToLayer: (_feature, latlng) => L.circleMarker(latlng, { radius: 6 }),
			style: (feature) => view.current.styleOf(feature?.properties as AccessCommune),
			onEachFeature: (feature, shape) => {
				const commune = feature.properties as AccessCommune;
				shapes.current.set(commune.code, shape as L.Path);
				shape.bindTooltip(
					() => {
						const text = document.createElement('span');
						const values = view.current.shown(commune);
						text.textContent =
							describe(values, view.current.layer, view.current.doctors, data.aplYear) +
							(values !== commune && view.current.layer === 'apl' ? ' — valeur simulée, voir la simulation' : '');
						return text;
					},
					{ sticky: true },
				);
				shape.on('click', () => setSelected(commune.code));
			},
		}).addTo(leaflet);
		// Commune names, written on the map: at its representative point (inside the commune), the
		// territory's first, then the most populated; a name that would overlap one already written
		// is left out until the zoom makes room. Screen readers get the names from the list and table.
		const addLabel = (commune: AccessCommune) => {
			const shape = shapes.current.get(commune.code) as
				| (L.Path & { getBounds?: () => L.LatLngBounds; getLatLng?: () => L.LatLng })
				| undefined;
			const at = commune.point
				? L.latLng(commune.point[1], commune.point[0])
				: (shape?.getBounds?.().getCenter() ?? shape?.getLatLng?.());
			if (!at) return;
			const text = document.createElement('span');
			text.textContent = commune.name;
			const marker = L.marker(at, {
				icon: L.divIcon({ className: 'access-map__label', html: text, iconSize: [0, 0] }),
				interactive: false,
				keyboard: false,
			}).addTo(leaflet);
			marker.getElement()?.setAttribute('aria-hidden', 'true');
			labels.current.push({ commune, marker });
		};
		placeLabels.current = () => {
			const zoom = leaflet.getZoom();
			const box = leaflet.getContainer().getBoundingClientRect();
			const written: DOMRect[] = [];
			const ordered = [...labels.current].sort(
				(a, b) => Number(b.commune.code === view.current.selected) - Number(a.commune.code === view.current.selected),
			);
			// Every position read first, then every label shown or hidden: reads between the writes
			// would make the browser lay the page out again for each label.
			const measured = ordered.map(({ commune, marker }) => {
				const element = marker.getElement();
				const text = element?.firstElementChild;
				return { commune, element, rect: text ? text.getBoundingClientRect() : null };
			});
			for (const { commune, element, rect: r } of measured) {
				if (!element || !r) continue;
				const fits =
					(commune.inTerritory || zoom >= NEIGHBOUR_LABEL_ZOOM || commune.code === view.current.selected) &&
					r.left >= box.left &&
					r.right <= box.right &&
					r.top >= box.top &&
					r.bottom <= box.bottom &&
					!written.some((w) => r.left < w.right + 4 && r.right + 4 > w.left && r.top < w.bottom && r.bottom > w.top);
				element.classList.toggle('is-hidden', !fits);
				if (fits) written.push(r);
			}
		};
		const ordered = [...communes].sort(
			(a, b) => Number(b.inTerritory) - Number(a.inTerritory) || (b.population ?? 0) - (a.population ?? 0),
		);
		const steps: (() => void)[] = [
			...data.features.map((feature) => () => group.addData(feature as never)),
			...ordered.map((commune) => () => addLabel(commune)),
		];
		let frame = 0;
		steps.push(() => {
			const inside = L.featureGroup(
				[...shapes.current].filter(([code]) => byCode.get(code)?.inTerritory).map(([, shape]) => shape),
			);
			const bounds = (inside.getLayers().length ? inside : group).getBounds();
			leaflet.on('zoomend moveend resize', () => placeLabels.current());
			leaflet.fitBounds(bounds, { padding: [8, 8] });
			// The container may get its final size after the first layout (fonts, stylesheet): fit again then.
			frame = requestAnimationFrame(() => {
				leaflet.invalidateSize();
				leaflet.fitBounds(bounds, { padding: [8, 8] });
				placeLabels.current();
			});
			setBuilt(true);
		});
		// As many steps per task as fit in TASK_MS, then the browser may handle input and paint.
		const run = async () => {
			let next = 0;
			while (next < steps.length) {
				await nextTask();
				if (cancelled) return;
				const started = performance.now();
				do steps[next++]!();
				while (next < steps.length && performance.now() - started < TASK_MS);
			}
		};
		void run();
		return () => {
			cancelled = true;
			cancelAnimationFrame(frame);
			leaflet.remove();
			map.current = null;
			shapes.current.clear();
			labels.current = [];
			setBuilt(false);
		};
	}, [data, byCode, communes]);

	// Restyle on every choice: geometry stays, only colours and strokes change.
	useEffect(() => {
		if (!built) return;
		for (const [code, shape] of shapes.current) {
			const commune = byCode.get(code);
			if (!commune) continue;
			shape.setStyle(view.current.styleOf(commune));
			if (code === selected) shape.bringToFront();
		}
		placeLabels.current();
	}, [built, layer, doctors, selected, reach, showReach, current, byCode, simulated]);

	useEffect(() => {
		const leaflet = map.current;
		if (!leaflet) return;
		if (basemap && !tiles.current) {
			tiles.current = L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
				maxZoom: 18,
			}).addTo(leaflet);
			tiles.current.bringToBack();
		} else if (!basemap && tiles.current) {
			tiles.current.remove();
			tiles.current = null;
		}
	}, [basemap, data]);

	// Where GPs are known: a number at each commune's point.
	useEffect(() => {
		const leaflet = map.current;
		gpMarkers.current?.remove();
		gpMarkers.current = null;
		if (!leaflet || !showGps || !known) return;
		gpMarkers.current = L.layerGroup(
			communes.flatMap((c) =>
				c.point && known[c.code]
					? [
							L.marker([c.point[1], c.point[0]], {
								icon: L.divIcon({ className: 'access-map__gps', html: String(known[c.code]), iconSize: [24, 24] }),
								keyboard: false,
								interactive: false,
							}),
						]
					: [],
			),
		).addTo(leaflet);
	}, [built, showGps, known, communes]);

	const select = (code: string) => {
		setSelected(code);
		const shape = shapes.current.get(code) as (L.Path & { getBounds?: () => L.LatLngBounds }) | undefined;
		const leaflet = map.current;
		if (!shape || !leaflet) return;
		const bounds = shape.getBounds?.();
		if (bounds && !leaflet.getBounds().contains(bounds)) leaflet.panTo(bounds.getCenter());
	};

	if (error) return <p role="status">{error}</p>;
	if (!data) return <p role="status">Chargement des données de la carte…</p>;

	const year = data.aplYear;
	const legend =
		layer === 'risk'
			? (Object.keys(RISK_CLASSES) as RiskClass[]).map((key) => ({ key, ...RISK_CLASSES[key] }))
			: (Object.keys(APL_CLASSES) as AplClass[]).map((key) => ({ key, ...APL_CLASSES[key] }));
	const inside = communes.filter((c) => c.inTerritory);
	const outside = communes.filter((c) => !c.inTerritory);
	const reference = (code: string) => data.references.find((r) => r.code === code);
	const bands: Record<string, number> = {};
	for (const [code, band] of reach) if (code !== selected) bands[band] = (bands[band] ?? 0) + 1;

	return (
		<div class="access-map">
			<div class="access-map__controls">
				<fieldset>
					<legend>Ce que montre la carte</legend>
					<label>
						<input type="radio" name="layer" value="apl" checked={layer === 'apl'} onChange={() => setLayer('apl')} />{' '}
						Accès aux médecins généralistes (APL)
					</label>
					<label>
						<input
							type="radio"
							name="layer"
							value="risk"
							checked={layer === 'risk'}
							onChange={() => setLayer('risk')}
						/>{' '}
						Risque lié aux départs en retraite
					</label>
				</fieldset>
				<fieldset disabled={layer === 'risk'}>
					<legend>Médecins comptés</legend>
					<label>
						<input
							type="radio"
							name="doctors"
							value="all"
							checked={doctors === 'all'}
							onChange={() => setDoctors('all')}
						/>{' '}
						Tous les généralistes
					</label>
					<label>
						<input
							type="radio"
							name="doctors"
							value="under65"
							checked={doctors === 'under65'}
							onChange={() => setDoctors('under65')}
						/>{' '}
						Seulement ceux de moins de 65 ans
					</label>
				</fieldset>
				<div class="access-map__choose">
					<label for="access-commune">Commune</label>
					<select
						id="access-commune"
						value={selected}
						onChange={(event) => select((event.currentTarget as HTMLSelectElement).value)}
					>
						<option value="">Choisir une commune…</option>
						<optgroup label={`Communes du ${territoryName}`}>
							{[...inside]
								.sort((a, b) => a.name.localeCompare(b.name, 'fr'))
								.map((c) => (
									<option value={c.code}>{c.name}</option>
								))}
						</optgroup>
						<optgroup label="Communes voisines">
							{[...outside]
								.sort((a, b) => a.name.localeCompare(b.name, 'fr'))
								.map((c) => (
									<option value={c.code}>{c.name}</option>
								))}
						</optgroup>
					</select>
					<label class="access-map__check">
						<input
							type="checkbox"
							checked={showReach}
							onChange={(event) => setShowReach((event.currentTarget as HTMLInputElement).checked)}
						/>{' '}
						Montrer les communes à environ 20 minutes (approximation)
					</label>
				</div>
			</div>

			<section
				ref={container}
				class="access-map__map"
				aria-label={`Carte des communes du ${territoryName} et de leurs voisines. Pour choisir une commune au clavier, utilisez la liste « Commune ».`}
			></section>
			<p class="access-map__credits figure__source">
				Sources de la carte : {data.sources.apl} ; contours des communes : {data.sources.geometry.join(', ')}.
				{basemap && (
					<>
						{' '}
						Fond de carte : © <a href="https://www.openstreetmap.org/copyright">contributeurs OpenStreetMap</a>.
					</>
				)}{' '}
				Carte réalisée avec <a href="https://leafletjs.com">Leaflet</a>.
			</p>

			<div class="access-map__legend">
				<p class="access-map__legend-title">
					{layer === 'risk'
						? `Part de l’offre de généralistes assurée par des médecins de 65 ans ou plus (${year})`
						: `${doctors === 'all' ? 'APL' : 'APL moins de 65 ans'} ${year} — consultations par an et par habitant standardisé`}
				</p>
				{simulated && layer === 'apl' && (
					<p class="access-map__simulated">
						<strong>Simulation :</strong> les communes touchées par les changements simulés plus bas ont la couleur de
						leur valeur simulée (inspirée de l’APL, pas un chiffre officiel).
					</p>
				)}
				<ul>
					{legend.map((item) => (
						<li key={item.key}>
							<span class="access-map__swatch" style={{ background: item.colour }} aria-hidden="true" />
							{item.label} : {item.range}
						</li>
					))}
					<li>
						<span class="access-map__swatch" style={{ background: NO_DATA }} aria-hidden="true" />
						Valeur non publiée
					</li>
					<li>
						<span class="access-map__swatch access-map__swatch--faded" aria-hidden="true" />
						Teinte pâle : commune voisine, hors du territoire ; rond : commune sans contour dans les données
					</li>
				</ul>
				<label class="access-map__check">
					<input
						type="checkbox"
						checked={basemap}
						onChange={(event) => setBasemap((event.currentTarget as HTMLInputElement).checked)}
					/>{' '}
					Afficher le fond de carte OpenStreetMap (connexion Internet nécessaire)
				</label>
				{known && Object.keys(known).length > 0 && (
					<label class="access-map__check">
						<input
							type="checkbox"
							checked={showGps}
							onChange={(event) => setShowGps((event.currentTarget as HTMLInputElement).checked)}
						/>{' '}
						Afficher le nombre de médecins généralistes connus par commune (voir la source sous le tableau)
					</label>
				)}
			</div>

			<div class="access-map__panel" aria-live="polite">
				{current ? (
					<CommunePanel
						commune={current}
						year={year}
						department={reference(`D${current.department}`)}
						france={reference('FR')}
						reach={showReach ? bands : undefined}
					/>
				) : (
					<p>Choisissez une commune sur la carte ou dans la liste pour voir ses chiffres.</p>
				)}
			</div>
		</div>
	);
}

function CommunePanel(props: {
	commune: AccessCommune;
	year: number | null;
	department: AccessMap['references'][number] | undefined;
	france: AccessMap['references'][number] | undefined;
	reach: Record<string, number> | undefined;
}) {
	const { commune, year, department, france, reach } = props;
	const klass = aplClass(commune.apl);
	return (
		<section aria-labelledby="access-commune-title">
			<h3 id="access-commune-title">
				{commune.name} <span class="muted">({commune.inTerritory ? 'dans le territoire' : 'commune voisine'})</span>
			</h3>
			<table class="access-map__figures">
				<caption class="visually-hidden">Chiffres de {commune.name} comparés au département et à la France</caption>
				<thead>
					<tr>
						<th scope="col">Indicateur ({year})</th>
						<th scope="col">{commune.name}</th>
						<th scope="col">{department?.name ?? 'Département'}</th>
						<th scope="col">France</th>
					</tr>
				</thead>
				<tbody>
					<tr>
						<th scope="row">APL, tous généralistes</th>
						<td>
							{formatApl(commune.apl)}
							{klass && ` (${APL_CLASSES[klass].label.toLowerCase()})`}
						</td>
						<td>{formatApl(department?.apl)}</td>
						<td>{france ? formatApl(france.apl) : 'non disponible'}</td>
					</tr>
					<tr>
						<th scope="row">APL, généralistes de moins de 65 ans</th>
						<td>{formatApl(commune.aplUnder65)}</td>
						<td>{formatApl(department?.aplUnder65)}</td>
						<td>{france ? formatApl(france.aplUnder65) : 'non disponible'}</td>
					</tr>
					<tr>
						<th scope="row">Part de l’offre assurée par des médecins de 65 ans ou plus</th>
						<td>{formatPercent(commune.share65)}</td>
						<td>
							{department?.apl && department.aplUnder65 != null
								? formatPercent(1 - department.aplUnder65 / department.apl)
								: '—'}
						</td>
						<td>
							{france?.apl && france.aplUnder65 != null ? formatPercent(1 - france.aplUnder65 / france.apl) : '—'}
						</td>
					</tr>
					<tr>
						<th scope="row">Évolution de l’APL depuis {commune.previousYear ?? 'l’année précédente'}</th>
						<td>{formatTrend(commune.aplTrend)}</td>
						<td>
							{formatTrend(
								department?.apl != null && department.aplPrevious != null
									? department.apl - department.aplPrevious
									: null,
							)}
						</td>
						<td>
							{france?.apl != null && france.aplPrevious != null ? formatTrend(france.apl - france.aplPrevious) : '—'}
						</td>
					</tr>
				</tbody>
			</table>
			<p>
				Population : {formatNumber(commune.population)} habitants
				{commune.populationYear ? ` (${commune.populationYear})` : ''}. Indice de besoin lié à l’âge :{' '}
				{formatNumber(commune.ageNeedIndex, 2)}.
			</p>
			{reach && (
				<p>
					Communes à environ 20 minutes, à vol d’oiseau (approximation) :{' '}
					{(Object.keys(TRAVEL_BANDS) as TravelBand[])
						.map((band) => `${reach[band] ?? 0} à ${TRAVEL_BANDS[band].label}`)
						.join(', ')}
					. Elles sont entourées sur la carte (trait plein jusqu’à 15 minutes, pointillé au-delà).
				</p>
			)}
		</section>
	);
}
