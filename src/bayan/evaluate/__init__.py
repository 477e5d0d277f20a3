"""Field-by-field scoring of extraction against annotated gold files (`bayan eval`)."""
