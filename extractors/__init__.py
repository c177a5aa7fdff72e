"""PDF table extraction: logical tables with cell texts, from ruled tables in a PDF."""

from .csv_export import to_csv
from .extract import extract_document

__all__ = ["extract_document", "to_csv"]
