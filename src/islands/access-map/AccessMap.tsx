import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export type AccessMapProps = {
	territory: string;
	territoryName: string;
};

/**
 * The light wrapper of the access map: it renders at once and loads Leaflet and the map code
 * (a separate chunk) only in the browser; the page's table already holds every figure.
 */
export default function AccessMap(props: AccessMapProps) {
	const [Impl, setImpl] = useState<ComponentType<AccessMapProps> | null>(null);
	const [failed, setFailed] = useState(false);
	useEffect(() => {
		import('./AccessMapImpl.tsx').then(
			(module) => setImpl(() => module.default),
			() => setFailed(true),
		);
	}, []);
	if (failed) {
		return <p role="status">La carte n’a pas pu se charger. Le tableau ci-dessous donne les mêmes chiffres.</p>;
	}
	return Impl ? <Impl {...props} /> : <p role="status">Chargement de la carte…</p>;
}
