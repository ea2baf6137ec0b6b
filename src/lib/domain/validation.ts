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
