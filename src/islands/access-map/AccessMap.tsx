import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export type AccessMapProps = {
	territory: string;
	territoryName: string;
	/** GPs known per commune (the coordinator's practices, else the RPPS extraction): the map's GP layer. */
	known?: Record<string, number>;
};

/**
 * Calls `start` once the element is within a screen's height of the viewport (so that the map is
 * ready by the time a resident scrolls to it) and the browser has a moment to spare: Leaflet and the
 * map's layers are then built after the page has loaded, not while it loads. Returns the clean-up.
 */
function whenNearAndIdle(element: Element, start: () => void): () => void {
	let idle = 0;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const observer = new IntersectionObserver(
		(entries) => {
			if (!entries.some((entry) => entry.isIntersecting)) return;
			observer.disconnect();
			// Safari has no requestIdleCallback.
			if ('requestIdleCallback' in window) idle = requestIdleCallback(start, { timeout: 2000 });
			else timer = setTimeout(start);
		},
		{ rootMargin: '100% 0px' },
	);
	observer.observe(element);
	return () => {
		observer.disconnect();
		if (idle) cancelIdleCallback(idle);
		clearTimeout(timer);
	};
}

/**
 * The light wrapper of the access map: it renders at once and loads Leaflet and the map code
 * (a separate chunk) only in the browser, when the map comes near the screen; the page's table
 * already holds every figure.
 */
export default function AccessMap(props: AccessMapProps) {
	const [Impl, setImpl] = useState<ComponentType<AccessMapProps> | null>(null);
	const [failed, setFailed] = useState(false);
	const placeholder = useRef<HTMLParagraphElement>(null);
	useEffect(() => {
		if (!placeholder.current) return;
		return whenNearAndIdle(placeholder.current, () => {
			import('./AccessMapImpl.tsx').then(
				(module) => setImpl(() => module.default),
				() => setFailed(true),
			);
		});
	}, []);
	if (failed) {
		return <p role="status">La carte n’a pas pu se charger. Le tableau ci-dessous donne les mêmes chiffres.</p>;
	}
	return Impl ? (
		<Impl {...props} />
	) : (
		// About the height of the map and its controls, so that the page below moves less when it comes.
		<p role="status" ref={placeholder} style={{ minHeight: 'calc(max(18rem, min(32rem, 70vh)) + 12rem)' }}>
			Chargement de la carte…
		</p>
	);
}
