"""Errors an extractor raises: each names the file and the reason."""

from __future__ import annotations


class ExtractionError(Exception):
    """The PDF could not be read as a table. ``reason`` is a short human sentence."""

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self):  # a worker process's error reaches the caller as itself
        return (type(self), (self.path, self.reason))


class NotAPDF(ExtractionError):
    pass


class EncryptedPDF(ExtractionError):
    pass


class NoTextLayer(ExtractionError):
    pass


class NoTable(ExtractionError):
    pass


class OutOfMemory(ExtractionError):
    """Reading the file needed more memory than the process may have (a stream inflating
    to gigabytes)."""
