"""Several CPTS on one server: two CPTS bases made by `services.bases.add_base`, a coordinator of each and a
user with a role on both. Each sees only their CPTS, through the app (AppTest, signed in with the form)
and through NocoDB's API (NocoDB itself refuses the other base)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from apptest import APP_ENV, rerun, signed_in_state, visible_text
from streamlit.testing.v1 import AppTest

from cli import base_first, served_env
from domain.access import BOARD, COORDINATOR
from errors import BaseNotFound, HTTPStatusError
from schema.models import ACCESS_LOG, PATIENTS, TERRITORY, Patient, PatientStatus
from server.users import UserAdded, add_user, admin_client
from services.bases import BaseRefused, CptsBase, add_base, chosen_base, summaries, territory_communes, user_bases
from services.sessions import SESSIONS
from settings import ROOT
from store import records
from store.base import Base
from store.client import NocoClient
from tests.conftest import Server
from views.access import SESSION_EMAIL, SESSION_ID, SESSION_ROLE
from views.common import SESSION_BASE
from views.sign_in import CHOICE_SECONDS, CHOOSING

APP = str(ROOT / "app.py")
WAITING_PAGE = "views/waiting_list.py"
TODAY = date.today()


@dataclass(frozen=True)
class Cpts:
    base: Base
    codes: list[str]  # its patients' codes


@pytest.fixture(scope="module")
def two(nocodb: Server) -> Iterator[tuple[Cpts, Cpts]]:
    """CPTS Alpha (Ancelle, Buissard) and CPTS Bêta (Aspres-lès-Corps, Chabottes), three waiting patients each."""
    client = nocodb.client()
    made = []
    for title, communes, first in (("CPTS Alpha", "05004,05025", 1), ("CPTS Bêta", "05009,05029", 101)):
        added = add_base(client, title, territory_communes(communes.split(",")))
        base = Base(client, added.base.id, title)
        codes = [f"P-{n:06d}" for n in range(first, first + 3)]
        records.insert(base, PATIENTS, [waiting(code, title.split()[-1]) for code in codes])
        made.append(Cpts(base, codes))
    yield made[0], made[1]
    for cpts in made:
        client.delete_base(cpts.base.id)
    client.close()


def waiting(code: str, last_name: str) -> Patient:
    return Patient(
        code=code,
        last_name=last_name,
        first_name="Camille",
        insee_code="05004",
        consent=True,
        request_date=TODAY - timedelta(days=30),
        status=PatientStatus.WAITING,
    )


@pytest.fixture(scope="module")
def users(nocodb: Server, two: tuple[Cpts, Cpts]) -> dict[str, UserAdded]:
    """« alpha » coordinator of Alpha, « beta » of Bêta, « both » coordinator of Alpha and bureau of Bêta."""
    alpha, beta = two
    with admin_client(nocodb.settings) as admin:
        both = add_user(admin, alpha.base.id, "deux.cpts@cpts.fr", COORDINATOR)
        add_user(admin, beta.base.id, both.email, BOARD)
        return {
            "alpha": add_user(admin, alpha.base.id, "coord.alpha@cpts.fr", COORDINATOR),
            "beta": add_user(admin, beta.base.id, "coord.beta@cpts.fr", COORDINATOR),
            "both": both,
        }


@pytest.fixture
def every_cpts(nocodb: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app as ./cpts up starts it on a server of several CPTS: no base named, each user gets theirs."""
    for name in (*APP_ENV, "CPTS_BASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CPTS_DATA_DIR", str(nocodb.settings.data_dir))
    monkeypatch.setenv("CPTS_NOCODB_PORT", str(nocodb.settings.nocodb_port))


def submitted(email: str, password: str) -> AppTest:
    app = rerun(AppTest.from_file(APP, default_timeout=90))
    app.text_input[0].input(email)
    app.text_input[1].input(password)
    app.button[0].click()
    return rerun(app)


def waiting_codes(app: AppTest) -> set[str]:
    rerun(app.switch_page(WAITING_PAGE))
    return set(app.dataframe[0].value["Code"])


def journalled(base: Base) -> list[str]:
    return [entry.user or "" for entry in records.load(base, ACCESS_LOG).records]


# -- without NocoDB ------------------------------------------------------------------------------------


def test_the_territory_of_a_new_cpts() -> None:
    assert [c.insee_code for c in territory_communes(["05025", " 05004", "05025", ""])] == ["05004", "05025"]
    by_epci = territory_communes([], epci="200068096")
    assert by_epci and {c.epci_code for c in by_epci} == {"200068096"}
    assert {c.department for c in territory_communes([], department="05")} == {"05"}
    with pytest.raises(BaseRefused, match="« 99999 » n'est le code INSEE d'aucune commune"):
        territory_communes(["05004", "99999"])
    with pytest.raises(BaseRefused, match="--departement : aucune commune actuelle pour « 00 »"):
        territory_communes([], department="00")
    with pytest.raises(BaseRefused, match="Indiquez le territoire"):
        territory_communes([""])


def test_base_is_an_option_of_every_command_wherever_typed() -> None:
    assert base_first(["user", "list", "--base", "CPTS A"]) == ["--base", "CPTS A", "user", "list"]
    assert base_first(["status", "--base=p1", "--json"]) == ["--base=p1", "status", "--json"]
    assert base_first(["seed", "--base"]) == ["seed", "--base"]  # no value: left for click to refuse


# -- the bases --------------------------------------------------------------------------------------


def test_a_new_base_is_migrated_with_its_territory(nocodb: Server, two: tuple[Cpts, Cpts]) -> None:
    alpha, _ = two
    territory = records.load(alpha.base, TERRITORY).records
    assert sorted((c.insee_code, c.name) for c in territory) == [("05004", "Ancelle"), ("05025", "Buissard")]
    assert all(c.population and c.department == "05" for c in territory)
    with pytest.raises(BaseRefused, match="Une base « cpts alpha » existe déjà"):
        add_base(alpha.base.client, "cpts alpha", territory_communes(["05004"]))


def test_a_base_is_chosen_by_name_or_id_never_by_default_among_several(
    nocodb: Server, two: tuple[Cpts, Cpts], users: dict[str, UserAdded]
) -> None:
    alpha, beta = two
    client = alpha.base.client
    assert chosen_base(client, "cpts bêta") == CptsBase(beta.base.id, "CPTS Bêta")
    assert chosen_base(client, alpha.base.id).title == "CPTS Alpha"
    with pytest.raises(BaseNotFound, match=r"« CPTS Gamma » introuvable\. Bases : .*CPTS Alpha"):
        chosen_base(client, "CPTS Gamma")
    with pytest.raises(BaseNotFound, match=r"précisez laquelle avec --base.*CPTS Alpha .*CPTS Bêta"):
        chosen_base(client, None)
    listed = {row.base.title: row for row in summaries(client)}
    assert listed["CPTS Alpha"].users == listed["CPTS Bêta"].users  # the admin (owner) and two users each
    assert listed["CPTS Alpha"].tables >= len(records.load(alpha.base, TERRITORY).records)
    assert [b.title for b in user_bases(client, users["alpha"].email)] == ["CPTS Alpha"]
    assert {b.title for b in user_bases(client, users["both"].email)} == {"CPTS Alpha", "CPTS Bêta"}


def test_a_sign_in_asks_nocodb_one_list_of_users_per_base(
    nocodb: Server, two: tuple[Cpts, Cpts], users: dict[str, UserAdded], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the CPTS bases are known to the process, the bases of a user cost the list of bases and one list of
    users per base (not also each base's tables); a bureau's « no-access » still counts, no role gives none."""
    alpha, _ = two
    client = alpha.base.client
    user_bases(client, users["both"].email)  # the process now knows these CPTS bases
    servers_bases = len(client.bases())
    asked: list[str] = []
    request = client.request

    def counted(method: str, path: str, **options: object) -> object:
        asked.append(path)
        return request(method, path, **options)

    monkeypatch.setattr(client, "request", counted)
    assert {b.title for b in user_bases(client, users["both"].email)} == {"CPTS Alpha", "CPTS Bêta"}
    assert len(asked) == 1 + servers_bases and not [path for path in asked if path.endswith("/tables")]
    assert [b.title for b in user_bases(client, users["beta"].email)] == ["CPTS Bêta"]
    assert user_bases(client, "personne@cpts.fr") == []


# -- through the app -----------------------------------------------------------------------------------


def test_each_coordinator_sees_only_their_cpts(
    two: tuple[Cpts, Cpts], users: dict[str, UserAdded], every_cpts: None
) -> None:
    for cpts, account in zip(two, (users["alpha"], users["beta"]), strict=True):
        app = submitted(account.email, str(account.password))
        assert app.session_state[SESSION_BASE] == cpts.base.id  # one CPTS: opened without a question
        assert visible_text(app.title[0].value) == cpts.base.title  # Accueil: the CPTS's name
        assert waiting_codes(app) == set(cpts.codes)
    alpha, beta = two
    assert users["alpha"].email in journalled(alpha.base) and users["alpha"].email not in journalled(beta.base)
    assert users["beta"].email in journalled(beta.base) and users["beta"].email not in journalled(alpha.base)


def test_a_user_of_several_cpts_chooses_and_gets_their_role_there(
    two: tuple[Cpts, Cpts], users: dict[str, UserAdded], every_cpts: None
) -> None:
    alpha, beta = two
    app = submitted(users["both"].email, str(users["both"].password))
    [choice] = app.selectbox
    assert set(choice.options) == {"CPTS Alpha", "CPTS Bêta"} and SESSION_EMAIL not in app.session_state
    choice.set_value(beta.base.id)
    app = rerun(next(b for b in app.button if b.label == "Ouvrir").click())
    assert app.session_state[SESSION_BASE] == beta.base.id and app.session_state[SESSION_ROLE] == BOARD
    assert SESSIONS.state(app.session_state[SESSION_ID], 30).base == beta.base.id  # what a reload resumes
    assert visible_text(app.title[0].value) == "CPTS Bêta"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(WAITING_PAGE)  # bureau of Bêta: no patient page
    app = submitted(users["both"].email, str(users["both"].password))
    app.selectbox[0].set_value(alpha.base.id)
    app = rerun(next(b for b in app.button if b.label == "Ouvrir").click())
    assert app.session_state[SESSION_ROLE] == COORDINATOR and waiting_codes(app) == set(alpha.codes)
    app = submitted(users["both"].email, str(users["both"].password))
    app.session_state[CHOOSING] = (*app.session_state[CHOOSING][:2], time.monotonic() - CHOICE_SECONDS - 1)
    assert not rerun(app).selectbox and app.text_input  # a choice left too long: the password again


def test_a_user_cannot_open_a_cpts_where_they_have_no_role(
    two: tuple[Cpts, Cpts], users: dict[str, UserAdded], every_cpts: None
) -> None:
    _, beta = two
    email = users["alpha"].email
    app = rerun(AppTest.from_file(APP, default_timeout=90))
    app.session_state[CHOOSING] = (email, {beta.base.id: "CPTS Bêta"}, time.monotonic())  # as if offered Bêta
    app = rerun(rerun(app).button[0].click())
    assert "aucune CPTS" in visible_text(app.error[0].value) and SESSION_EMAIL not in app.session_state
    app = AppTest.from_file(APP, default_timeout=90)
    for key, value in {**signed_in_state(email), SESSION_BASE: beta.base.id}.items():
        app.session_state[key] = value  # signed in to Alpha, the session pointed at Bêta
    app = rerun(app)
    assert [t.label for t in app.text_input] == ["Adresse e-mail", "Mot de passe"] and not app.dataframe
    assert "n'a plus accès à cette CPTS" in visible_text(app.info[0].value)


# -- through NocoDB's API ------------------------------------------------------------------------------------


def test_nocodb_refuses_a_user_the_rows_of_another_cpts(
    nocodb: Server, two: tuple[Cpts, Cpts], users: dict[str, UserAdded]
) -> None:
    alpha, beta = two
    with NocoClient(nocodb.url) as anonymous:
        token = anonymous.sign_in(users["alpha"].email, str(users["alpha"].password))
    with NocoClient(nocodb.url, auth_token=token, retries=0) as own:
        mine = own.records(alpha.base.id, alpha.base.handle(PATIENTS).id)
        assert sorted(row["Code"] for row in mine) == alpha.codes  # the token reads its own CPTS…
        assert beta.base.id not in {base["id"] for base in own.bases()}
        for table in (PATIENTS, TERRITORY):
            with pytest.raises(HTTPStatusError) as refused:
                own.records(beta.base.id, beta.base.handle(table).id)  # …and NocoDB refuses the other's
            assert refused.value.status in (401, 403, 404)


# -- through the command line ------------------------------------------------------------------------------


def cli(nocodb: Server, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CPTS_DATA_DIR": str(nocodb.settings.data_dir),
        "CPTS_NOCODB_PORT": str(nocodb.settings.nocodb_port),
    }
    for name in (*APP_ENV, "CPTS_BASE"):
        if name not in ("CPTS_DATA_DIR", "CPTS_NOCODB_PORT"):
            env.pop(name, None)
    command = [sys.executable, str(ROOT / "cli.py"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_base_commands_and_the_base_option(nocodb: Server, two: tuple[Cpts, Cpts]) -> None:
    alpha, beta = two
    listed = cli(nocodb, "base", "list")
    assert listed.returncode == 0, listed.stderr
    assert "CPTS Alpha  " in listed.stdout and alpha.base.id in listed.stdout and beta.base.id in listed.stdout
    status = cli(nocodb, "status", "--json", "--base", "cpts bêta")
    assert json.loads(status.stdout)["base"] == {"id": beta.base.id, "title": "CPTS Bêta"}
    unchosen = cli(nocodb, "user", "list")
    assert unchosen.returncode == 1 and "précisez laquelle avec --base" in unchosen.stderr
    assert "CPTS Alpha" in unchosen.stderr and "Traceback" not in unchosen.stderr
    added = cli(nocodb, "base", "add", "CPTS Gamma", "--communes", "05004", "--epci", "200068096")
    assert added.returncode == 0, added.stderr
    gamma = chosen_base(alpha.base.client, "CPTS Gamma")
    try:
        count = Base(alpha.base.client, gamma.id).count(TERRITORY)
        assert count > 1 and f"Territoire : {count} commune(s)" in added.stdout
        again = cli(nocodb, "--base", "CPTS Gamma", "base", "add", "CPTS Gamma", "--communes", "05004")
        assert again.returncode == 1 and "existe déjà" in again.stderr
    finally:
        alpha.base.client.delete_base(gamma.id)


def test_up_serves_the_chosen_cpts_or_every_one(
    two: tuple[Cpts, Cpts], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    alpha, _ = two
    monkeypatch.delenv("CPTS_BASE", raising=False)
    assert served_env(alpha.base) == {}  # several CPTS: the app gets no base, each user gets theirs
    assert "CPTS sur ce serveur" in capsys.readouterr().out
    monkeypatch.setenv("CPTS_BASE", "cpts alpha")
    assert served_env(alpha.base) == {"CPTS_BASE_ID": alpha.base.id}
