"""PPTX -> PDF with LibreOffice headless, and PDF -> PNG pages with poppler's pdftoppm, on this machine (no network).

Each conversion runs with its own temporary LibreOffice profile, so that parallel runs do not collide, and
within a time limit; what goes wrong is told in French (`PdfError`).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from errors import CptsError

SOFFICE_TIMEOUT = 180  # seconds; a first start of LibreOffice takes a few
PDFTOPPM_TIMEOUT = 120
INSTALL_HINT = (
    "installez les paquets Debian libreoffice-impress et poppler-utils "
    "(`./cpts deck --pdf` les installe, ou : sudo apt-get install -y --no-install-recommends "
    "libreoffice-impress poppler-utils fonts-dejavu-core fonts-liberation)"
)


class PdfError(CptsError):
    """The PDF could not be made (message in French)."""


def pdf_from_pptx(pptx: bytes, timeout: float = SOFFICE_TIMEOUT) -> bytes:
    """The PDF of a PPTX file, converted by LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PdfError(
            f"LibreOffice (commande soffice) est introuvable, le PDF ne peut pas être créé : {INSTALL_HINT}."
        )
    with tempfile.TemporaryDirectory(prefix="cpts-pdf-") as folder:
        work = Path(folder)
        source = work / "presentation.pptx"
        source.write_bytes(pptx)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        output = run(command, timeout, "LibreOffice")
        result = work / "presentation.pdf"
        if not result.exists():
            raise PdfError(f"LibreOffice n'a pas produit de PDF. Sortie : {output.strip() or '(vide)'}")
        return result.read_bytes()


def png_pages(pdf: bytes, dpi: int = 60) -> list[bytes]:
    """Each page of a PDF as a PNG image (for a preview), rendered by pdftoppm."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise PdfError(f"pdftoppm est introuvable, l'aperçu ne peut pas être créé : {INSTALL_HINT}.")
    with tempfile.TemporaryDirectory(prefix="cpts-png-") as folder:
        work = Path(folder)
        (work / "deck.pdf").write_bytes(pdf)
        run(
            [pdftoppm, "-r", str(dpi), "-png", str(work / "deck.pdf"), str(work / "page")], PDFTOPPM_TIMEOUT, "pdftoppm"
        )
        pages = sorted(work.glob("page-*.png"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
        return [page.read_bytes() for page in pages]


def save_pdf(pdf: bytes, path: Path) -> None:
    """Write through a temporary file, so that a failure leaves no half-written file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(pdf)
    temporary.replace(path)


def run(command: list[str], timeout: float, name: str) -> str:
    """Run a converter in its own process group, killed whole if it outlives `timeout`; its output."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "HOME": str(Path(command[-1]).parent)},
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise PdfError(f"{name} n'a pas fini en {timeout:.0f} secondes : conversion abandonnée.") from None
    if process.returncode != 0:
        raise PdfError(f"{name} a échoué (code {process.returncode}) : {output.strip()[-500:]}")
    return output
