"""The page Soins non programmés on a real NocoDB (AppTest): a coordinator registers a request, is proposed the
nearest free slot, books it; the booked request is listed (journaled) and its outcome recorded, phone erased."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from apptest import click, open_page, visible_text

from schema.models import ACCESS_LOG, MEMBERS, SNP_REQUESTS, SNP_SLOTS, TERRITORY, Commune, Member
from schema.snp import Outcome, Slot
from store import records
from store.base import Base

TOMORROW = date.today() + timedelta(days=1)


@pytest.fixture(scope="module")
def slot_ids(base: Base) -> list[int]:
    records.insert(base, TERRITORY, [Commune(name="Issy-les-Moulineaux", insee_code="92040", department="92")])
    issy, antony = records.insert(
        base,
        MEMBERS,
        [
            Member(last_name="Lenoir", first_name="Anne", profession="Médecin", active=True, insee_code="92040"),
            Member(last_name="Leblanc", first_name="Paul", profession="Médecin", active=True, insee_code="92002"),
        ],
    )
    rows = [
        Slot(member=antony, on=TOMORROW, start="08:00", end="09:00", places=1, kind="Cabinet", source="SAS"),
        Slot(member=issy, on=TOMORROW, start="17:00", end="18:00", places=1, kind="Visite", source="CPTS"),
    ]
    return records.insert(base, SNP_SLOTS, rows)


def test_a_coordinator_registers_a_request_and_books_the_proposed_slot(app_env: Base, slot_ids: list[int]) -> None:
    app = open_page("views/snp.py")
    assert app.title[0].value == "Soins non programmés"
    assert sum(len(frame.value) for frame in app.dataframe) == 2  # the two free slots, this week
    app.selectbox(key="snp_commune").select("92040")
    app.text_input(key="snp_phone").input("0612345678")
    app = click(app, "Proposer le créneau le plus proche")
    proposal = visible_text(app.info[0].value)
    assert "Issy-les-Moulineaux" in proposal and "17:00" in proposal  # the commune before the département
    app = click(app, "Réserver ce créneau")
    assert "enregistrée" in visible_text(app.success[0].value)
    [written] = records.load(app_env, SNP_REQUESTS).records
    assert written.slot == slot_ids[1] and written.outcome == Outcome.ORIENTED and written.phone == "06 12 34 56 78"
    app = open_page("views/snp.py")
    listed = [frame.value for frame in app.dataframe if "Demande" in frame.value.columns]
    assert list(listed[0]["Demande"]) == [f"SNP-{written.id}"]
    assert any(e.what == "Soins non programmés" for e in records.load(app_env, ACCESS_LOG).records)
    app.selectbox(key="snp_attendance").select("Honoré")
    click(app, "Enregistrer l'issue")
    [closed] = records.load(app_env, SNP_REQUESTS).records
    assert closed.attendance == "Honoré" and closed.phone is None


def test_a_wrong_phone_is_refused_and_nothing_written(app_env: Base, slot_ids: list[int]) -> None:
    before = app_env.count(SNP_REQUESTS)
    app = open_page("views/snp.py")
    app.selectbox(key="snp_commune").select("92040")
    app.text_input(key="snp_phone").input("12")
    app = click(app, "Enregistrer sans créneau")
    assert "« Téléphone »" in visible_text(app.error[0].value)
    assert app_env.count(SNP_REQUESTS) == before
