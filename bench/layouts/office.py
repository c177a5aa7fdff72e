"""LibreOffice headless conversion to PDF, with a profile of its own per process (parallel
conversions with one shared profile collide)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path


def convert_to_pdf(src: Path, out_pdf: Path, timeout: float = 300) -> None:
    profile = Path(tempfile.gettempdir()) / f"fuzz-lo-profile-{os.getpid()}"
    outdir = Path(tempfile.mkdtemp(prefix="lo-out-", dir=src.parent))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=timeout,
    )
    produced = outdir / (src.stem + ".pdf")
    if not produced.exists():
        raise RuntimeError(f"LibreOffice wrote no PDF for {src.name}")
    produced.replace(out_pdf)
    outdir.rmdir()
