"""The proofs of the ACI indicators for the dialogue de gestion: which kinds an indicator needs (Indicateurs
« Justificatifs attendus »), which it has (rows of Justificatifs linked to it, with a file or a link), which are
missing. A proof row with neither a file nor a link proves nothing yet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from domain.cells import identifier, integer, text

NO_PROOF = "aucun"


@dataclass(frozen=True)
class ProofStatus:
    needed: tuple[str, ...]  # kinds of proof the indicator needs, in the order typed
    present: tuple[str, ...]  # kinds of proof it has (a file or a link), each once
    documents: tuple[str, ...]  # its documents: file names, else links, else titles

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(kind for kind in self.needed if kind not in self.present)

    @property
    def present_text(self) -> str:
        return ", ".join(self.present) or NO_PROOF

    @property
    def missing_text(self) -> str:
        return ", ".join(self.missing) or NO_PROOF

    @property
    def documents_text(self) -> str:
        return ", ".join(self.documents) or NO_PROOF


def file_names(files: object) -> list[str]:
    """The names of the files of an attachment cell (a list of {"title": …}), [] when it has none."""
    if not isinstance(files, Sequence) or isinstance(files, str):
        return []
    names = (text(item.get("title")) for item in files if isinstance(item, Mapping))
    return [name for name in names if name]


def _documents(row: object) -> list[str]:
    names = file_names(getattr(row, "files", None))
    link = text(getattr(row, "link", None))
    return names or ([link] if link else [])


def proof_status(board: pd.DataFrame, proofs: pd.DataFrame | None) -> dict[int, ProofStatus]:
    """Every indicator of the board (with `domain.funding_payouts.contract_columns`) and its proofs (rows of
    Justificatifs; None when the table was not read: no proof)."""
    found: dict[int, list[object]] = {}
    if proofs is not None:
        for row in proofs.itertuples():
            indicator = integer(row.indicator)
            if indicator is not None:
                found.setdefault(indicator, []).append(row)
    statuses = {}
    for row in board.itertuples():
        rows = found.get(identifier(row.id), [])
        proved = [proof for proof in rows if _documents(proof)]
        present = tuple(dict.fromkeys(kind for proof in proved if (kind := text(getattr(proof, "kind", None)))))
        documents = tuple(name for proof in proved for name in _documents(proof))
        needed = tuple(getattr(row, "proofs_needed", None) or ())
        statuses[identifier(row.id)] = ProofStatus(needed, present, documents)
    return statuses
