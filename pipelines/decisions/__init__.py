"""The analyst's decision files (corrections, organisations, places, layouts, field labels, acknowledgements)."""
