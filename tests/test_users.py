"""Users on a real NocoDB: `user add` gives each role its base access; a bureau login cannot read the base."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from domain.access import BOARD, COORDINATOR, role_of
from errors import HTTPStatusError
from schema.models import PATIENTS, Patient
from server.users import UserRefused, add_user, admin_client, list_users
from services.accounts import BadCredentials, base_roles, check_password
from store import records
from store.base import Base
from store.client import NocoClient
from tests.conftest import Server


@pytest.fixture(scope="module")
def admin(nocodb: Server) -> Iterator[NocoClient]:
    client = admin_client(nocodb.settings)
    yield client
    client.close()


@pytest.fixture(scope="module")
def with_patient(base: Base) -> Base:
    records.insert(base, PATIENTS, [Patient(code="P-000001", last_name="Secret")])
    return base


def own_login(nocodb: Server, email: str, password: str) -> NocoClient:
    with NocoClient(nocodb.url) as anonymous:
        return NocoClient(nocodb.url, auth_token=anonymous.sign_in(email, password))


def test_a_coordinator_reads_the_base_with_their_own_login(
    nocodb: Server, admin: NocoClient, with_patient: Base
) -> None:
    added = add_user(admin, with_patient.id, "Coord.Un@CPTS.fr", COORDINATOR)
    assert added.created and added.email == "coord.un@cpts.fr" and added.password
    check_password(nocodb.url, "coord.un@cpts.fr", added.password)
    assert base_roles(with_patient)["coord.un@cpts.fr"] == "editor"
    with own_login(nocodb, added.email, added.password) as login:
        patients = with_patient.handle(PATIENTS).id
        assert [row["Code"] for row in login.records(with_patient.id, patients)] == ["P-000001"]


def test_a_bureau_login_cannot_open_the_base(nocodb: Server, admin: NocoClient, with_patient: Base) -> None:
    added = add_user(admin, with_patient.id, "bureau.un@cpts.fr", BOARD)
    assert added.created and added.password
    assert role_of(base_roles(with_patient)["bureau.un@cpts.fr"]) == BOARD
    patients = with_patient.handle(PATIENTS).id
    with own_login(nocodb, added.email, added.password) as login:
        assert login.bases() == []
        for read in (
            lambda: login.tables(with_patient.id),
            lambda: login.records(with_patient.id, patients),
            lambda: login.request("GET", f"/api/v2/tables/{patients}/records"),
            lambda: login.count(with_patient.id, patients),
        ):
            with pytest.raises(HTTPStatusError) as refused:
                read()
            assert refused.value.status == 403


def test_changing_role_changes_base_access(nocodb: Server, admin: NocoClient, with_patient: Base) -> None:
    first = add_user(admin, with_patient.id, "change@cpts.fr", BOARD)
    assert first.password
    promoted = add_user(admin, with_patient.id, "change@cpts.fr", COORDINATOR)
    assert not promoted.created and promoted.password is None  # the password is left alone
    patients = with_patient.handle(PATIENTS).id
    with own_login(nocodb, "change@cpts.fr", first.password) as login:
        assert login.count(with_patient.id, patients) == 1
    add_user(admin, with_patient.id, "change@cpts.fr", BOARD)
    with own_login(nocodb, "change@cpts.fr", first.password) as login, pytest.raises(HTTPStatusError) as refused:
        login.count(with_patient.id, patients)
    assert refused.value.status == 403
    assert base_roles(with_patient)["change@cpts.fr"] == "no-access"


def test_reset_password(nocodb: Server, admin: NocoClient, with_patient: Base) -> None:
    first = add_user(admin, with_patient.id, "oubli@cpts.fr", COORDINATOR)
    again = add_user(admin, with_patient.id, "oubli@cpts.fr", COORDINATOR, reset_password=True)
    assert again.password and again.password != first.password
    check_password(nocodb.url, "oubli@cpts.fr", again.password)
    with pytest.raises(BadCredentials):
        check_password(nocodb.url, "oubli@cpts.fr", str(first.password))


@pytest.mark.parametrize(
    ("email", "role", "message"),
    [
        ("pas-une-adresse", COORDINATOR, "Adresse e-mail refusée : « pas-une-adresse » n'est pas une adresse e-mail"),
        ("a@b.fr; c@d.fr", BOARD, "n'est pas une adresse e-mail"),
        ("nouveau@cpts.fr", "admin", "Rôle « admin » inconnu : coordinateur ou bureau."),
        ("admin@cpts.local", BOARD, "admin@cpts.local est l'administrateur de NocoDB"),
    ],
)
def test_refused_user_add_writes_nothing(admin: NocoClient, base: Base, email: str, role: str, message: str) -> None:
    before = admin.base_users(base.id)
    with pytest.raises(UserRefused, match=message):
        add_user(admin, base.id, email, role)
    assert admin.base_users(base.id) == before


def test_wrong_password_unknown_user_and_sign_up(nocodb: Server, admin: NocoClient, base: Base) -> None:
    added = add_user(admin, base.id, "essai@cpts.fr", BOARD)
    for email, password in (("essai@cpts.fr", "Mauvais#2026x"), ("inconnu@cpts.fr", "Mauvais#2026x"), ("", "")):
        with pytest.raises(BadCredentials):
            check_password(nocodb.url, email, password)
    signup = httpx.post(
        f"{nocodb.url}/api/v1/auth/user/signup",
        json={"email": "essai@cpts.fr", "password": "Autre#2026pass", "token": "jeton-devine"},
        timeout=30,
    )
    assert signup.status_code == 400  # an invited address cannot be taken over with a guessed token
    check_password(nocodb.url, "essai@cpts.fr", str(added.password))


def test_list_users_flags_base_readers(admin: NocoClient, base: Base) -> None:
    add_user(admin, base.id, "liste.coord@cpts.fr", COORDINATOR)
    add_user(admin, base.id, "liste.lecteur@cpts.fr", BOARD)
    reader = next(u for u in admin.base_users(base.id) if u["email"] == "liste.lecteur@cpts.fr")
    admin.set_base_role(base.id, reader["id"], reader["email"], "viewer")
    rows = {row.email: row for row in list_users(admin, base.id)}
    assert (rows["liste.coord@cpts.fr"].role, rows["liste.coord@cpts.fr"].note) == (COORDINATOR, "")
    assert rows["liste.lecteur@cpts.fr"].role == BOARD
    assert "lit la base dans NocoDB (viewer)" in rows["liste.lecteur@cpts.fr"].note
    assert rows["admin@cpts.local"].role == COORDINATOR
