/**
 * The site's identity and navigation. Name, tagline, description, the general contact and the
 * publisher live in `content/site/identite.yml` (editable in the CMS as « Identité du site »), not
 * here: read them with {@link getSiteIdentity}.
 */
import { getEntry } from 'astro:content';
import type { SiteIdentity } from './content/schemas';

export type { SiteIdentity };

/** The one entry of the `site` collection, as the schema returns it. */
export async function getSiteIdentity(): Promise<SiteIdentity> {
	const entry = await getEntry('site', 'identite');
	if (!entry) throw new Error('content/site/identite.yml is missing: it holds the site name and the general contact.');
	return entry.data;
}

/**
 * The site name and description, read once when this module loads (for feeds, link previews and
 * titles). Under `astro dev` they keep the value read at start; the layout reads the entry on each
 * page, so a CMS edit shows at once in the header and footer.
 */
const identity = await getSiteIdentity();
export const SITE_NAME = identity.name;
export const SITE_DESCRIPTION = identity.description;

/** The `tel:` address of a French number as written on the page: `05 36 49 20 10` → `tel:+33536492010`. */
export function telHref(phone: string): string {
	const digits = phone.replace(/[\s.-]/g, '');
	return `tel:${digits.startsWith('0') ? `+33${digits.slice(1)}` : digits}`;
}

/** Main navigation, in the order residents look for things. */
export const MAIN_NAV = [
	{ href: '/territoires/', label: 'Territoires' },
	{ href: '/services/', label: 'Services' },
	{ href: '/acces-aux-soins/', label: 'Accès aux médecins' },
	{ href: '/conseil/', label: 'Le Conseil' },
	{ href: '/reunions/', label: 'Réunions' },
	{ href: '/propositions/', label: 'Propositions' },
	{ href: '/comptes-rendus/', label: 'Comptes rendus' },
] as const;

export const FOOTER_NAV = [
	{ href: '/contact/', label: 'Contacter la conseillère' },
	{ href: '/a-propos/', label: 'Qui sommes-nous' },
	{ href: '/glossaire/', label: 'Glossaire des sigles' },
	{ href: '/accessibilite/', label: 'Accessibilité : non conforme (audit à réaliser)' },
	{ href: '/donnees-personnelles/', label: 'Données personnelles' },
	{ href: '/mentions-legales/', label: 'Mentions légales' },
	{ href: '/plan-du-site/', label: 'Plan du site' },
	{ href: '/comptes-rendus/rss.xml', label: 'Flux RSS des comptes rendus' },
] as const;
