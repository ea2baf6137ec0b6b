/** The shape of a failed validation that the form, the API and the tests share. */
export type ValidationIssues = { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> };

/** The first French message for each field (`form` for the body as a whole), as the API's `fields`. */
export function fieldErrors(error: ValidationIssues): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const issue of error.issues) {
		const field = String(issue.path[0] ?? 'form');
		fields[field] ??= issue.message;
	}
	return fields;
}

/**
 * Zod runs an object's own refinements only once all its fields are valid, so a rule across fields
 * (an email or a phone; consent once contact details are given) would be reported only after the
 * other errors were corrected. Passed to `.superRefine`, this runs the rule on whatever the fields
 * gave whenever the body is an object, so that the form and the server list every error at once.
 * A field in error keeps the value it was sent: the rule must not trust its type.
 */
export const WITH_FIELD_ERRORS = {
	when: (payload: { value: unknown }) =>
		typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
};
