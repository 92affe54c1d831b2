"""Persona files: validation messages name file, line and field; the registry hot-reloads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.personas import PersonaError, PersonaRegistry, load_persona
from bot.personas.registry import PROJECT_ROOT, UnknownPersona

GOOD = PROJECT_ROOT / "data" / "personas" / "car_showroom_inbound.yml"


def write_variant(tmp_path: Path, old: str, new: str, name: str = "car_showroom_inbound") -> Path:
    text = GOOD.read_text("utf-8")
    assert old in text, old
    path = tmp_path / f"{name}.yml"
    path.write_text(text.replace(old, new, 1).replace("id: car_showroom_inbound", f"id: {name}"), "utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line)


def test_shipped_persona_loads():
    persona = load_persona(GOOD)
    assert persona.addressed_as == "王先生" and persona.agenda[0].topic == "price"


@pytest.mark.parametrize(
    "old, new, field, needle",
    [
        ('phone: "13912345678"', 'phone: "12345"', "customer.phone", "phone:"),
        ("direction: inbound", "direction: sideways", "direction", "direction:"),
        ("  - topic: price", "  - topic: weather", "agenda[0].topic", "topic: weather"),
        ("gender: male ", "gender: robot ", "customer.gender", "gender:"),
        ("  patience: 4 ", "  patience: 99 ", "temperament.patience", "patience:"),
        ("  - days: [周六, 周日]", "  - days: [周八]", "availability[0].days", "days: [周八]"),
        ("  name_given:\n", "  name_givn:\n", "lines.name_givn", "name_givn:"),
        ("class: C ", "class: Z ", "class", "class: Z"),
    ],
)
def test_a_wrong_value_is_named_with_file_line_and_field(tmp_path, old, new, field, needle):
    path = write_variant(tmp_path, old, new)
    with pytest.raises(PersonaError) as error:
        load_persona(path)
    assert error.value.field == field
    assert error.value.line == line_of(path, needle)
    assert str(error.value).startswith(f"{path}:{error.value.line}: {field}: ")


def test_missing_required_field(tmp_path):
    path = write_variant(tmp_path, "  surname: 王\n", "")
    with pytest.raises(PersonaError, match="customer.surname: is required"):
        load_persona(path)


def test_yaml_syntax_error_has_a_line(tmp_path):
    path = write_variant(tmp_path, "title: 星辰X5 咨询来电", "title: [unclosed")
    with pytest.raises(PersonaError) as error:
        load_persona(path)
    assert error.value.field == "yaml" and error.value.line is not None


def test_broken_file_is_skipped_and_new_file_is_picked_up(tmp_path):
    shutil.copy(GOOD, tmp_path / GOOD.name)
    registry = PersonaRegistry(tmp_path)
    assert set(registry.scan()[0]) == {"car_showroom_inbound"}

    write_variant(tmp_path, 'phone: "13912345678"', "phone: oops", name="broken_one")
    write_variant(tmp_path, "surname: 王", "surname: 赵", name="another_caller")
    personas, errors = registry.scan()
    assert set(personas) == {"car_showroom_inbound", "another_caller"}
    assert [e.field for e in errors] == ["customer.phone"]
    assert registry.get("another_caller").surname == "赵"
    with pytest.raises(UnknownPersona):
        registry.get("broken_one")
