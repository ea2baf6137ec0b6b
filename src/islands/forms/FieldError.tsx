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
