"""Persona drafts: invisible to the registry (the lobby) until published; validated with the
loader's file:line: field errors; ids can't escape the folder. The CLI in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.personas import drafts
from bot.personas.registry import PersonaRegistry, default_registry
from tests.conftest import PERSONAS

GOOD = (PERSONAS / "car_showroom_inbound.yml").read_text("utf-8")


def variant(persona_id: str, *replacements: tuple) -> str:
    text = GOOD.replace("id: car_showroom_inbound", f"id: {persona_id}", 1)
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture
def folder(persona_folder) -> Path:
    """A copy of the fixture personas, used by default_registry() and so by the CLI."""
    return persona_folder


def test_a_draft_is_not_in_the_registry_until_published(folder):
    registry = PersonaRegistry(folder)
    before, errors = registry.scan()
    draft = drafts.new_draft(folder, variant("walkin_mother"))
    assert draft.valid and draft.path == folder / "drafts" / "walkin_mother.yml"
    after, after_errors = registry.scan()  # the registry globs the top level only
    assert set(after) == set(before) and "walkin_mother" not in after and after_errors == errors
    persona = drafts.publish(folder, "walkin_mother")
    assert persona.id == "walkin_mother" and not draft.path.exists()
    assert (folder / "walkin_mother.yml").is_file() and "walkin_mother" in registry.scan()[0]


def test_an_invalid_draft_is_saved_with_its_line_and_field_but_never_published(folder):
    text = variant("bad_phone", ('phone: "13912345678"', 'phone: "12345"'))
    draft = drafts.new_draft(folder, text)
    assert not draft.valid and draft.path.is_file()
    assert draft.error.field == "customer.phone" and draft.error.line == line_of(text, 'phone: "12345"')
    listed = {d.id: d for d in drafts.list_drafts(folder)}
    assert listed["bad_phone"].error.line == draft.error.line
    with pytest.raises(drafts.DraftError) as refused:
        drafts.publish(folder, "bad_phone")
    assert refused.value.reason == "invalid" and refused.value.field == "customer.phone"
    assert draft.path.is_file() and not (folder / "bad_phone.yml").exists()
    fixed = drafts.save_draft(folder, "bad_phone", text.replace('"12345"', '"13912345678"'))
    assert fixed.valid
    drafts.publish(folder, "bad_phone")
    assert (folder / "bad_phone.yml").is_file()


def test_editing_a_published_persona_keeps_it_playable_until_the_draft_replaces_it(folder):
    registry = PersonaRegistry(folder)
    old_title = registry.get("car_showroom_inbound").title
    path = drafts.edit_published(folder, "car_showroom_inbound")
    assert path.read_text("utf-8") == (folder / "car_showroom_inbound.yml").read_text("utf-8")
    drafts.save_draft(folder, "car_showroom_inbound", path.read_text("utf-8").replace(old_title, "新标题", 1))
    assert registry.get("car_showroom_inbound").title == old_title  # the draft is not live
    with pytest.raises(drafts.DraftError) as again:
        drafts.edit_published(folder, "car_showroom_inbound")  # an existing draft is not overwritten
    assert again.value.reason == "exists"
    drafts.publish(folder, "car_showroom_inbound")
    assert registry.get("car_showroom_inbound").title == "新标题"  # hot reload: the mtime changed
    assert not path.exists()


def test_unpublish_moves_back_to_drafts_and_refuses_to_overwrite_a_draft(folder):
    target = drafts.unpublish(folder, "real_estate_inbound")
    assert target == folder / "drafts" / "real_estate_inbound.yml" and target.is_file()
    assert "real_estate_inbound" not in PersonaRegistry(folder).scan()[0]
    drafts.publish(folder, "real_estate_inbound")
    drafts.edit_published(folder, "real_estate_inbound")
    with pytest.raises(drafts.DraftError) as conflict:
        drafts.unpublish(folder, "real_estate_inbound")
    assert conflict.value.reason == "exists" and (folder / "real_estate_inbound.yml").is_file()
    drafts.delete_draft(folder, "real_estate_inbound")
    assert drafts.list_drafts(folder) == []


@pytest.mark.parametrize(
    "bad", ["../evil", "..", "a/b", "/etc/passwd", "Car", "x\n", "x.yml", "drafts", "", "a" * 65, "car\x00", "..\\x"]
)
def test_ids_that_are_not_plain_file_stems_are_refused(folder, bad):
    for operation in (drafts.publish, drafts.unpublish, drafts.edit_published, drafts.delete_draft, drafts.read_draft):
        with pytest.raises(drafts.DraftError) as refused:
            operation(folder, bad)
        assert refused.value.reason == "bad_id"
    with pytest.raises(drafts.DraftError):
        drafts.save_draft(folder, bad, GOOD)


@pytest.mark.parametrize("declared", ["../../evil", "'../x'", "Evil", "drafts", "[a, b]"])
def test_a_draft_names_its_file_by_a_safe_id(folder, tmp_path, declared):
    text = GOOD.replace("id: car_showroom_inbound", f"id: {declared}", 1)
    with pytest.raises(drafts.DraftError) as refused:
        drafts.new_draft(folder, text)
    assert refused.value.reason == "bad_id" and refused.value.field == "id"
    assert refused.value.line == line_of(text, "id: ")
    assert sorted(p.name for p in tmp_path.rglob("*evil*")) == []


def test_the_id_is_found_even_when_the_yaml_is_broken_and_a_file_name_must_match(folder):
    broken = variant("half_done") + "\nagenda: [unclosed\n"
    draft = drafts.new_draft(folder, broken)
    assert draft.id == "half_done" and draft.error.field == "yaml" and draft.error.line
    with pytest.raises(drafts.DraftError) as no_id:
        drafts.new_draft(folder, "title: 无编号\n")
    assert no_id.value.field == "id"
    with pytest.raises(drafts.DraftError) as mismatch:
        drafts.new_draft(folder, variant("uploaded"), file_name="other.yml")
    assert mismatch.value.field == "file"
    assert drafts.new_draft(folder, variant("uploaded").encode("utf-8-sig"), file_name="uploaded.yml").valid
    with pytest.raises(drafts.DraftError) as exists:
        drafts.new_draft(folder, variant("uploaded"))
    assert exists.value.reason == "exists"
    with pytest.raises(drafts.DraftError) as not_utf8:
        drafts.new_draft(folder, "id: gbk_file\ntitle: 标题\n".encode("gbk"))
    assert not_utf8.value.reason == "bad_text"


def test_cli_new_writes_a_draft_that_publish_puts_in_the_lobby(folder, capsys):
    assert main(["personas", "new", "my_caller"]) == 0
    out = capsys.readouterr().out
    assert "drafts/my_caller.yml" in out and "personas publish my_caller" in out
    assert (folder / "drafts" / "my_caller.yml").is_file() and not (folder / "my_caller.yml").exists()
    assert "my_caller" not in default_registry().scan()[0]

    assert main(["personas", "new", "my_caller"]) == 2  # the draft exists
    assert "already exists" in capsys.readouterr().err
    assert main(["personas", "new", "car_showroom_inbound"]) == 2  # published: edit it instead
    assert "personas edit car_showroom_inbound" in capsys.readouterr().err
    assert main(["personas", "new", "Bad-Id"]) == 2

    assert main(["personas", "drafts"]) == 0
    assert "my_caller" in capsys.readouterr().out
    assert main(["personas", "publish", "my_caller"]) == 0
    assert "published my_caller" in capsys.readouterr().out
    assert "my_caller" in default_registry().scan()[0]
    assert main(["personas", "publish", "my_caller"]) == 2  # no such draft any more
    assert main(["personas", "publish", "../etc"]) == 2


def test_cli_validate_checks_drafts_too_and_publish_refuses_an_invalid_one(folder, capsys):
    assert main(["personas", "validate"]) == 0
    assert "[draft]" not in capsys.readouterr().out
    text = variant("broken_draft", ("direction: inbound", "direction: sideways"))
    drafts.new_draft(folder, text)
    assert main(["personas", "validate"]) == 1
    captured = capsys.readouterr()
    draft_file = folder / "drafts" / "broken_draft.yml"
    assert f"{draft_file}:{line_of(text, 'direction: sideways')}: direction: " in captured.err
    assert captured.err.rstrip().endswith("[draft]") and "ok: " in captured.out
    assert main(["personas", "publish", "broken_draft"]) == 1
    assert "direction" in capsys.readouterr().err
    assert not (folder / "broken_draft.yml").exists()
    assert main(["personas", "drafts"]) == 0
    assert "invalid" in capsys.readouterr().out


def test_cli_edit_and_unpublish(folder, capsys):
    assert main(["personas", "unpublish", "truck_followup_outbound"]) == 0
    assert "truck_followup_outbound" not in default_registry().scan()[0]
    assert main(["personas", "unpublish", "truck_followup_outbound"]) == 2
    assert main(["personas", "publish", "truck_followup_outbound"]) == 0
    assert main(["personas", "edit", "truck_followup_outbound"]) == 0
    assert (folder / "drafts" / "truck_followup_outbound.yml").is_file()
    assert "truck_followup_outbound" in default_registry().scan()[0]


def test_cli_list_shows_the_lobby_and_names_skipped_files_and_waiting_drafts(folder, capsys):
    assert main(["personas", "list"]) == 0
    captured = capsys.readouterr()
    rows = captured.out.splitlines()
    assert rows[0].split() == ["id", "direction", "difficulty", "class", "title"]
    assert [row.split()[0] for row in rows[1:]] == sorted(p.stem for p in folder.glob("*.yml"))
    car = next(row for row in rows if row.startswith("car_showroom_inbound "))
    assert car.split()[1:4] == ["inbound", "normal", "C"] and "星辰X5 咨询来电（car）" in car
    assert captured.err == ""

    broken = variant("broken_one", ("direction: inbound", "direction: sideways"))
    (folder / "broken_one.yml").write_text(broken, "utf-8")
    drafts.new_draft(folder, variant("waiting_one"))
    assert main(["personas", "list"]) == 0
    captured = capsys.readouterr()
    assert "broken_one" not in captured.out and "waiting_one" not in captured.out
    assert f"skipped: {folder / 'broken_one.yml'}:{line_of(broken, 'direction: sideways')}: direction: " in captured.err
    assert "1 draft(s) not in the lobby" in captured.err


def test_cli_validate_named_files(folder, tmp_path, capsys):
    good = folder / "car_showroom_inbound.yml"
    bad = tmp_path / "bad_phone.yml"
    text = variant("bad_phone", ('phone: "13912345678"', 'phone: "12345"'))
    bad.write_text(text, "utf-8")
    assert main(["personas", "validate", str(good)]) == 0
    assert capsys.readouterr().out == f"ok: {good} (car_showroom_inbound)\n"
    assert main(["personas", "validate", str(good), str(bad), str(tmp_path / "missing.yml")]) == 1
    captured = capsys.readouterr()
    assert captured.out == f"ok: {good} (car_showroom_inbound)\n"
    errors = captured.err.splitlines()
    assert errors[0].startswith(f"{bad}:{line_of(text, 'phone: ')}: customer.phone: ")
    assert errors[1].startswith(f"{tmp_path / 'missing.yml'}: file: cannot be read")


def test_cli_drafts_when_there_are_none(folder, capsys):
    assert main(["personas", "drafts"]) == 0
    captured = capsys.readouterr()
    assert captured.out.split() == ["id", "status", "title", "/", "problem"]
    assert "no drafts" in captured.err
