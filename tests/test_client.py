"""The thin NocoDB client against a real server: paging, chunked writes, filters, errors, retries."""

from __future__ import annotations

import pytest

from errors import HTTPStatusError, Refused, Unreachable
from schema.models import MEMBERS
from server.process import free_port
from store.base import Base
from store.client import NocoClient, all_of, any_of, clause, quote


def members_table(base: Base) -> str:
    return base.handle(MEMBERS).id


def test_reads_every_page_and_writes_in_chunks(base: Base) -> None:
    table = members_table(base)
    ids = base.client.insert(table, [{"Nom": f"Membre {i:04d}"} for i in range(2350)])
    assert len(ids) == len(set(ids)) == 2350
    rows = base.client.records(base.id, table)
    assert len(rows) == base.client.count(base.id, table) == 2350
    assert {r["Nom"] for r in rows} == {f"Membre {i:04d}" for i in range(2350)}
    small_pages = base.client.records(base.id, table, page_size=500, fields=["Nom"])
    assert len(small_pages) == 2350
    base.client.delete(table, ids)
    assert base.client.count(base.id, table) == 0


def test_filter_values_are_quoted(base: Base) -> None:
    table = members_table(base)
    tricky = ["Dr, (A)", 'Say "hello"', "zz)~or(Id,gt,0", "O'Brien", "plain"]
    ids = base.client.insert(table, [{"Nom": name, "Actif": name == "plain"} for name in tricky])
    for name in tricky:
        found = base.client.records(base.id, table, where=clause("Nom", "eq", name))
        assert [r["Nom"] for r in found] == [name]
    both = base.client.records(
        base.id, table, where=any_of(clause("Nom", "eq", "plain"), clause("Nom", "eq", "O'Brien"))
    )
    assert sorted(r["Nom"] for r in both) == ["O'Brien", "plain"]
    assert (
        base.client.count(base.id, table, where=all_of(clause("Nom", "eq", "plain"), clause("Actif", "eq", True))) == 0
    )
    base.client.delete(table, ids)


def test_quote_refuses_what_it_cannot_express() -> None:
    assert quote("a,b") == '"a,b"'
    assert quote('a"b') == "'a\"b'"
    with pytest.raises(Refused, match="guillemets"):
        quote("""a"b'c""")


def test_a_failed_chunk_rolls_back_the_whole_insert(base: Base) -> None:
    table = members_table(base)
    before = base.client.count(base.id, table)
    first_chunk = base.client.write_chunk  # written, then removed when the next chunk fails
    rows = [{"Nom": f"Ok {i}"} for i in range(first_chunk + 50)] + [{"Nom": "Mauvais", "Profession": "Sorcier"}]
    with pytest.raises(HTTPStatusError) as error:
        base.client.insert(table, rows)
    assert error.value.status == 400
    assert "Sorcier" in error.value.message  # NocoDB's own message is carried
    assert base.client.count(base.id, table) == before


def test_errors_carry_nocodb_message(base: Base) -> None:
    with pytest.raises(HTTPStatusError) as error:
        base.client.table("no-such-table")
    assert error.value.status == 404
    assert "not found" in error.value.message


def test_unreachable_server_is_retried_then_reported() -> None:
    client = NocoClient(f"http://127.0.0.1:{free_port()}", retries=2)
    with pytest.raises(Unreachable, match="ne répond pas"):
        client.bases()
    assert not client.healthy()


def test_a_whole_table_and_a_filtered_read_give_the_same_rows(base: Base) -> None:
    """Whole tables are read through v2 and filtered reads through v3: same rows, same shape."""
    table = members_table(base)
    ids = base.client.insert(table, [{"Nom": f"Même {i:04d}", "Actif": i % 2 == 0} for i in range(1200)])
    fields = ["Nom", "Actif"]
    whole = base.client.records(base.id, table, fields=fields, page_size=500)
    filtered = base.client.records(base.id, table, fields=fields, where=clause("Id", "gt", 0), page_size=500)
    assert [r["Id"] for r in whole] == [r["Id"] for r in filtered] == sorted(ids)
    assert [(r["Nom"], bool(r["Actif"])) for r in whole] == [(r["Nom"], bool(r["Actif"])) for r in filtered]
    assert set(whole[0]) == set(filtered[0]) == {"Id", "Nom", "Actif"}
    base.client.delete(table, ids)
