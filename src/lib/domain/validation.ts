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
 * Zod skips an object's own refinements once a field has failed its type or its list of values (a
 * missing choice, an unchecked box), so a rule across fields (an email or a phone; consent once
 * contact details are given) was reported only after the other errors were corrected. Passed to
 * `.superRefine`, this runs the rule on whatever the fields gave whenever the body is an object, so
 * that the form and the server list every error at once. A field in error keeps the value it was
 * sent: the rule must not trust its type.
 */
export const WITH_FIELD_ERRORS = {
	when: (payload: { value: unknown }) =>
		typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
};

/** Passed to `.superRefine`: the rule runs only when every field is valid (Zod's default is looser). */
export const ONCE_FIELDS_ARE_VALID = {
	when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0,
};
