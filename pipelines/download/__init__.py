"""Downloading: conditional HTTP fetches and the raw store of PDFs."""
