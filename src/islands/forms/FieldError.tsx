type FieldErrorProps = { name: string; errors: Record<string, string> };

/** The French message under a field, referenced by the field's aria-describedby. */
export function FieldError({ name, errors }: FieldErrorProps) {
	return errors[name] ? (
		<p class="field-error" id={`${name}-erreur`}>
			Erreur : {errors[name]}
		</p>
	) : null;
}

type ErrorSummaryProps = { summary: string };

/** Always in the page so that screen readers announce the message when it appears. */
export function ErrorSummary({ summary }: ErrorSummaryProps) {
	return (
		<div role="alert" class={summary ? 'error-summary' : undefined}>
			{summary && <p>{summary}</p>}
		</div>
	);
}

/** A field people never see and robots fill in; the server refuses the form when it is not empty. */
export function Honeypot() {
	return (
		<div class="honeypot" aria-hidden="true">
			<label for="website">Ne pas remplir ce champ</label>
			<input id="website" name="website" tabIndex={-1} autocomplete="off" />
		</div>
	);
}
