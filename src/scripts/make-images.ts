/**
 * `node src/scripts/make-images.ts`: writes the images the site serves as static files, from the
 * favicon and the territories in content/ (run it again after adding or renaming a territory, then
 * commit public/):
 * - public/favicon.ico: the favicon.svg at 16, 32 and 48 px, PNG images in an ICO container (what
 *   browsers and feed readers ask for at /favicon.ico);
 * - public/og/default.png and public/og/<territory>.png: link previews (Open Graph), 1200×630, with
 *   the site's name and the territory's. BaseLayout picks the territory's for its pages.
 * The text is drawn by librsvg with the machine's fonts (DejaVu Sans, or Liberation Sans).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { readSiteIdentity, readTerritories } from '../lib/server/db/content-mirror.ts';

const ROOT = join(import.meta.dirname, '../..');
const PUBLIC = join(ROOT, 'public');
const GREEN = '#0b4f47';

/** Read here, not from src/lib/site.ts: that module needs Astro's content store. */
const SITE_NAME = readSiteIdentity().name;

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** An ICO file holding PNG images (allowed since Windows Vista, read by every browser). */
function icoOf(images: { size: number; png: Buffer }[]): Buffer {
	const header = Buffer.alloc(6 + 16 * images.length);
	header.writeUInt16LE(0, 0);
	header.writeUInt16LE(1, 2); // 1 = icon
	header.writeUInt16LE(images.length, 4);
	let offset = header.length;
	images.forEach(({ size, png }, index) => {
		const entry = 6 + 16 * index;
		header.writeUInt8(size >= 256 ? 0 : size, entry);
		header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
		header.writeUInt8(0, entry + 2); // no palette
		header.writeUInt8(0, entry + 3);
		header.writeUInt16LE(1, entry + 4); // colour planes
		header.writeUInt16LE(32, entry + 6); // bits per pixel
		header.writeUInt32LE(png.length, entry + 8);
		header.writeUInt32LE(offset, entry + 12);
		offset += png.length;
	});
	return Buffer.concat([header, ...images.map((image) => image.png)]);
}

/** A link preview: the site's mark and name, and a second line (a territory, or the site's promise). */
function previewSvg(title: string, subtitle: string): string {
	const font = "font-family=\"'DejaVu Sans', 'Liberation Sans', sans-serif\"";
	return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">
	<rect width="1200" height="630" fill="${GREEN}"/>
	<rect x="0" y="560" width="1200" height="70" fill="#083a34"/>
	<g transform="translate(90 90) scale(5)">
		<rect width="32" height="32" rx="6" fill="#fff"/>
		<path d="M13 7h6v6h6v6h-6v6h-6v-6H7v-6h6z" fill="${GREEN}"/>
	</g>
	<text x="90" y="370" ${font} font-size="92" font-weight="bold" fill="#fff">${escapeXml(SITE_NAME)}</text>
	<text x="90" y="460" ${font} font-size="58" fill="#fff">${escapeXml(title)}</text>
	<text x="90" y="607" ${font} font-size="30" fill="#d7ece8">${escapeXml(subtitle)}</text>
</svg>`;
}

async function writePreview(file: string, title: string, subtitle: string) {
	const png = await sharp(Buffer.from(previewSvg(title, subtitle)))
		.png({ compressionLevel: 9, palette: true })
		.toBuffer();
	writeFileSync(join(PUBLIC, 'og', file), png);
	console.info(`public/og/${file}: ${(png.length / 1024).toFixed(0)} KB`);
}

const favicon = readFileSync(join(PUBLIC, 'favicon.svg'));
const icons = await Promise.all(
	[16, 32, 48].map(async (size) => ({
		size,
		png: await sharp(favicon, { density: (72 * size) / 32 })
			.resize(size, size)
			.png()
			.toBuffer(),
	})),
);
writeFileSync(join(PUBLIC, 'favicon.ico'), icoOf(icons));
console.info('public/favicon.ico: 16, 32 and 48 px');

mkdirSync(join(PUBLIC, 'og'), { recursive: true });
// Names and departments as the site shows them: the territory files, resolved against the official list.
const territories = readTerritories();
const departmentsOf = (territory: (typeof territories)[number]) => territory.departments.map((d) => d.name).join(', ');
await writePreview(
	'default.png',
	'Des soins près de chez soi',
	territories.map((territory) => `${territory.name} (${departmentsOf(territory)})`).join(' · '),
);
for (const territory of territories) {
	await writePreview(
		`${territory.id}.png`,
		territory.name,
		`Soins de proximité : habitants, soignants et élus · ${departmentsOf(territory)}`,
	);
}
