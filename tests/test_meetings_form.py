"""The satisfaction form of the meetings on a real NocoDB: `./cpts migrate` creates it once on Participations,
shared, with only the meeting, the score and the comment; an answer sent through NocoDB's public form route (no
token, as the form page sends it) is an anonymous row that counts in the mean satisfaction and not among the
invited; the page Vie de la CPTS gives the form's link to coordinators."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import httpx
import pytest
from apptest import open_page

from domain.access import COORDINATOR
from domain.meetings import form_answers, invited, mean_satisfaction
from schema.forms import SATISFACTION_FORM
from schema.meetings import PARTICIPATIONS
from schema.models import MEMBERS, Member
from services.meetings import plan_meeting, read_meetings, satisfaction_link
from store import forms, records
from store.base import Base
from store.migrate import migrate
from tests.conftest import Server

TODAY = date.today()
PAGE = "views/meetings.py"


@pytest.fixture(scope="module")
def meeting(base: Base) -> int:
    """A meeting of today with two members invited."""
    ids = records.insert(base, MEMBERS, [Member(first_name="Iris", last_name="Noël", profession="Médecin"),
                                         Member(first_name="Paul", last_name="Roux", profession="Infirmier")])  # fmt: skip
    values = {"title": "Formation plaies", "kind": "Formation", "on": TODAY, "start": "14:00", "end": "17:00"}
    return plan_meeting(base, COORDINATOR, values, ids)


def public(nocodb: Server, base: Base, route: str) -> str:
    uuid = forms.shared_uuid(base, SATISFACTION_FORM)
    assert uuid
    return f"{nocodb.url}/api/v1/db/public/shared-view/{uuid}/{route}"


def submit(nocodb: Server, base: Base, values: dict[str, Any]) -> httpx.Response:
    """What NocoDB's shared form page sends: multipart, the values as JSON in `data`, no token."""
    return httpx.post(public(nocodb, base, "rows"), files={"data": (None, json.dumps(values))}, timeout=30)


def test_migrate_creates_the_form_once_with_only_the_meeting_the_score_and_the_comment(
    nocodb: Server, base: Base
) -> None:
    table_id = base.handle(PARTICIPATIONS).id
    assert not migrate(base.client, base.id).changed
    views = base.client.request("GET", f"/api/v2/meta/tables/{table_id}/views")["list"]
    assert [v["title"] for v in views if v["type"] == forms.FORM_TYPE] == [SATISFACTION_FORM.title]
    uuid = forms.shared_uuid(base, SATISFACTION_FORM)
    assert uuid and satisfaction_link(base, None) == f"{nocodb.url}/dashboard/#/nc/form/{uuid}"
    assert satisfaction_link(base, "https://avis.cpts.fr/") == f"https://avis.cpts.fr/dashboard/#/nc/form/{uuid}"
    meta = httpx.get(public(nocodb, base, "meta"), timeout=30).json()
    shown = {c["label"]: bool(c["required"]) for c in meta["columns"] if c["show"]}
    assert shown == {"Rencontre": True, "Votre satisfaction, de 1 à 5": True, "Commentaire (facultatif)": False}
    assert "anonyme" in meta["view"]["subheading"]


def test_an_answer_through_the_form_counts_in_the_mean_and_not_among_the_invited(
    nocodb: Server, base: Base, meeting: int
) -> None:
    sent = {"Rencontre": {"Id": meeting}, "Satisfaction (1-5)": 2, "Commentaire": "Trop court"}
    hidden = {"Personne extérieure": "Intrus", "Présence": "Présent", "Membre": {"Id": 1}}  # not in the form
    assert submit(nocodb, base, {**sent, **hidden}).status_code == 200
    assert submit(nocodb, base, {"Rencontre": {"Id": meeting}, "Satisfaction (1-5)": 5}).status_code == 200
    read = read_meetings(base, refresh=True)
    answers = form_answers(meeting, read.participations)
    assert sorted((a.satisfaction, a.comment) for a in answers) == [(2, "Trop court"), (5, None)]
    assert all((a.member, a.person, a.presence) == (None, None, None) for a in answers)  # hidden fields dropped
    assert len(invited(meeting, read.participations)) == 2  # the two members invited, no answer
    assert mean_satisfaction(read.meetings, read.participations, TODAY.year) == 3.5
    assert submit(nocodb, base, {"Rencontre": {"Id": meeting}, "Satisfaction (1-5)": 7}).status_code == 200
    read = read_meetings(base, refresh=True)  # NocoDB's form takes any number: the app flags it, out of the mean
    assert [(p.table, p.field) for p in read.problems] == [("Participations", "Satisfaction (1-5)")]
    assert mean_satisfaction(read.meetings, read.participations, TODAY.year) == 3.5


def test_the_page_gives_the_forms_link_to_coordinators(app_env: Base, meeting: int) -> None:
    app = open_page(PAGE)
    link = satisfaction_link(app_env, None)
    assert link and link in [block.value for block in app.code]
    assert any("Réponses au formulaire de satisfaction : " in caption.value for caption in app.caption)
    assert not app.exception
