import { useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { fieldErrors, type ValidationIssues } from '../../lib/domain/validation.ts';

// The islands run under a Content-Security-Policy without 'unsafe-eval': zod must not probe
// `new Function` (its just-in-time parsers), which the policy refuses and browsers report.
z.config({ jitless: true });

type Schema = { safeParse(data: unknown): { success: true } | { success: false; error: ValidationIssues } };

/**
 * What both sign-up and proposal forms do once hydrated: check the fields with the shared schema,
 * send JSON to the same endpoint the plain form posts to, show each French message next to its
 * field and in an announced summary, and move focus to the first field in error.
 */
export function useValidatedForm<T>(options: {
	schema: Schema;
	action: string;
	fieldOrder: readonly string[];
	extra?: () => Record<string, unknown>;
	onSuccess: (body: T) => void;
}) {
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [summary, setSummary] = useState('');
	const [sending, setSending] = useState(false);
	const form = useRef<HTMLFormElement>(null);

	const showErrors = (fields: Record<string, string>, message: string) => {
		setErrors(fields);
		setSummary(message);
		const first = options.fieldOrder.find((name) => fields[name]);
		if (first) (form.current?.elements.namedItem(first) as HTMLElement | null)?.focus();
	};

	const onSubmit = async (event: Event) => {
		event.preventDefault();
		const data = { ...Object.fromEntries(new FormData(form.current ?? undefined)), ...options.extra?.() };
		const checked = options.schema.safeParse(data);
		if (!checked.success) {
			showErrors(fieldErrors(checked.error), 'Certaines informations sont à corriger.');
			return;
		}
		setSending(true);
		try {
			const response = await fetch(options.action, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(data),
			});
			const body = await response.json();
			if (response.ok) {
				setErrors({});
				setSummary('');
				options.onSuccess(body as T);
			} else {
				showErrors(body.error?.fields ?? {}, body.error?.message ?? 'L’envoi n’a pas abouti.');
			}
		} catch {
			showErrors({}, 'La connexion a échoué. Vérifiez votre connexion internet puis réessayez.');
		} finally {
			setSending(false);
		}
	};

	/** Props that tie a field to its message for assistive technologies. */
	const fieldProps = (name: string, hint?: string) => ({
		'aria-invalid': errors[name] ? ('true' as const) : undefined,
		'aria-describedby': [hint, errors[name] ? `${name}-erreur` : undefined].filter(Boolean).join(' ') || undefined,
	});

	return { form, errors, summary, sending, onSubmit, fieldProps };
}
