/** Site-wide constants shown in the layout, the feeds and link previews. */
export const SITE_NAME = 'Pays de Santé';
export const SITE_DESCRIPTION =
	'Habitants, professionnels de santé et élus du Nontronnais (Dordogne) et du Porcien et sud Thiérache (Ardennes) agissent ensemble pour garder des soins de proximité.';

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
	{ href: '/a-propos/', label: 'Qui sommes-nous' },
	{ href: '/glossaire/', label: 'Glossaire des sigles' },
	{ href: '/accessibilite/', label: 'Accessibilité : non conforme (audit à réaliser)' },
	{ href: '/donnees-personnelles/', label: 'Données personnelles' },
	{ href: '/mentions-legales/', label: 'Mentions légales' },
	{ href: '/plan-du-site/', label: 'Plan du site' },
	{ href: '/comptes-rendus/rss.xml', label: 'Flux RSS des comptes rendus' },
] as const;
