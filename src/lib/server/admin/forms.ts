import { formErrorPage, isFormPost, seeOther } from '../http.ts';
import type { RequestContext } from '../request.ts';

type Handler = (request: Request, context: RequestContext) => Promise<Response>;

const ADMIN_PATH = /^\/admin\/[A-Za-z0-9/-]*$/;

/**
 * Where a workspace form goes back to: its `retour` query parameter, when it is a workspace page.
 * With `parameter = 'formulaire'`, the page that holds the form, when it is not the page to go
 * back to after success (a registration's own page, whose changes show on the meeting's list).
 */
export function returnPath(request: Request, parameter: 'retour' | 'formulaire' = 'retour'): string {
	const params = new URL(request.url).searchParams;
	const path = params.get(parameter) ?? '';
	if (ADMIN_PATH.test(path)) return path;
	return parameter === 'retour' ? '/admin/' : returnPath(request);
}

/**
 * The workspace's plain HTML forms on top of a JSON admin handler: empty fields are left out (an
 * empty optional field is not an invalid one), success answers 303 back to the page with
 * `?fait=1`, a refusal answers a French page (self-contained and styled, see `htmlPage`) listing
 * what to correct with a link back to the form, a lost session goes back to the sign-in page. JSON requests pass through unchanged.
 */
export function withAdminForms(handler: Handler): Handler {
	return async (request, context) => {
		if (!isFormPost(request)) return handler(request, context);
		const back = returnPath(request);
		const text = await request.text();
		const filled = new URLSearchParams([...new URLSearchParams(text)].filter(([, value]) => value.trim() !== ''));
		const response = await handler(
			new Request(request.url, { method: request.method, headers: request.headers, body: filled.toString() }),
			context,
		);
		if (response.status === 401) return seeOther('/admin/connexion/');
		if (response.ok) return seeOther(`${back}${back.includes('?') ? '&' : '?'}fait=1`);
		return formErrorPage(response, { title: 'Action non enregistrée', backUrl: returnPath(request, 'formulaire') });
	};
}
