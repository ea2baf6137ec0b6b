import type { APIRoute } from 'astro';
import { cmsConfigYaml } from '../../../lib/content/cms-config';
import { readEnv } from '../../../lib/server/env';

// A static file in the build (Decap uses local_backend only on localhost); `astro dev` runs prerendered
// routes on each request, so there the URL follows the DECAP_SERVER_PORT that `npm run dev` started.
export const prerender = true;

export const GET: APIRoute = () =>
	new Response(cmsConfigYaml(readEnv().DECAP_SERVER_PORT), {
		headers: { 'Content-Type': 'text/yaml; charset=utf-8' },
	});
