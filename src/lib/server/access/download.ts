import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * `npm run data:download`: the official originals of the access map, fetched from their published
 * addresses into the data folder. Each file is written to a temporary name and renamed when
 * complete, so an interrupted download never leaves a truncated file behind.
 */

/** The DREES open-data portal (Opendatasoft): dataset 530, attachment of the GP workbook. */
export const DREES_BASE = 'https://data.drees.solidarites-sante.gouv.fr';
export const DREES_WORKBOOK_PATH =
	'/api/datasets/1.0/530_l-accessibilite-potentielle-localisee-apl/attachments/indicateur_d_apl_aux_medecins_generalistes_xlsx/';
export const GEO_API_BASE = 'https://geo.api.gouv.fr';

export const WORKBOOK_FILE = 'apl_generalistes_drees.xlsx';
export const BOUNDARIES_FOLDER = 'communes-geoapi';

export class DownloadError extends Error {
	override name = 'DownloadError';
}

export type DownloadOptions = {
	dir: string;
	departments: string[];
	/** Base addresses, overridable (DREES_BASE_URL, GEO_API_BASE_URL) so that tests serve fixture files. */
	dreesBase?: string;
	geoApiBase?: string;
	fetch?: typeof fetch;
	log?: (line: string) => void;
};

async function fetchFile(url: string, what: string, fetcher: typeof fetch): Promise<Buffer> {
	let response: Response;
	try {
		response = await fetcher(url, { redirect: 'follow', signal: AbortSignal.timeout(120_000) });
	} catch (error) {
		const reason = error instanceof Error && error.name === 'TimeoutError' ? 'délai dépassé' : 'serveur injoignable';
		throw new DownloadError(
			`Téléchargement impossible de ${what} (${url}) : ${reason}. Vérifiez la connexion et réessayez.`,
		);
	}
	if (!response.ok) {
		throw new DownloadError(
			`Téléchargement impossible de ${what} (${url}) : le serveur a répondu ${response.status}${response.statusText ? ` ${response.statusText}` : ''}. Réessayez plus tard.`,
		);
	}
	return Buffer.from(await response.arrayBuffer());
}

/** Writes a file atomically: a temporary file in the same folder, renamed when complete. */
export function writeAtomically(path: string, body: Buffer): void {
	mkdirSync(dirname(path), { recursive: true });
	const partial = `${path}.${process.pid}.part`;
	try {
		writeFileSync(partial, body);
		renameSync(partial, path);
	} finally {
		rmSync(partial, { force: true });
	}
}

/** Checks a body before it replaces a good file: an xlsx is a zip; a boundary file a GeoJSON collection. */
function checkWorkbook(body: Buffer, url: string): void {
	if (body.subarray(0, 2).toString('latin1') !== 'PK') {
		throw new DownloadError(`Le fichier reçu de ${url} n’est pas un classeur Excel (xlsx) : rien n’a été remplacé.`);
	}
}

function checkBoundaries(body: Buffer, url: string, department: string): void {
	try {
		const collection = JSON.parse(body.toString('utf8')) as { type?: string; features?: unknown[] };
		if (collection.type === 'FeatureCollection' && Array.isArray(collection.features) && collection.features.length > 0)
			return;
	} catch {
		// reported below
	}
	throw new DownloadError(
		`Les contours des communes du département ${department} reçus de ${url} sont incomplets ou illisibles : rien n’a été remplacé.`,
	);
}

/** Downloads the DREES workbook and the boundaries of `departments` from geo.api.gouv.fr. */
export async function downloadOpenData(options: DownloadOptions): Promise<string[]> {
	const fetcher = options.fetch ?? fetch;
	const log = options.log ?? (() => {});
	const dreesBase = (options.dreesBase ?? DREES_BASE).replace(/\/$/, '');
	const geoApiBase = (options.geoApiBase ?? GEO_API_BASE).replace(/\/$/, '');
	const written: string[] = [];

	const workbookUrl = `${dreesBase}${DREES_WORKBOOK_PATH}`;
	log(`DREES APL workbook: ${workbookUrl}`);
	const workbook = await fetchFile(workbookUrl, 'l’APL de la DREES', fetcher);
	checkWorkbook(workbook, workbookUrl);
	const workbookPath = join(options.dir, WORKBOOK_FILE);
	writeAtomically(workbookPath, workbook);
	written.push(workbookPath);

	for (const department of options.departments) {
		const url = `${geoApiBase}/departements/${encodeURIComponent(department)}/communes?format=geojson&geometry=contour&fields=code,nom,population`;
		log(`Boundaries of department ${department}: ${url}`);
		const body = await fetchFile(url, `les contours du département ${department}`, fetcher);
		checkBoundaries(body, url, department);
		const path = join(options.dir, BOUNDARIES_FOLDER, `communes-${department}.geojson`);
		writeAtomically(path, body);
		written.push(path);
	}
	return written;
}
