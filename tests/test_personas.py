"""Persona files: validation messages name file, line and field; the registry hot-reloads.
Tests use tests/fixtures/personas; the one test of the shipped data/personas is marked below."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.personas import PersonaError, PersonaRegistry, load_persona
from bot.personas.lines import DEFAULT_LINES
from bot.personas.registry import UnknownPersona, default_registry
from tests.conftest import PERSONAS, SHIPPED_PERSONAS

GOOD = PERSONAS / "car_showroom_inbound.yml"


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
        # One case per schema rule: the wrong value, the field named, the line of the field.
        ("id: car_showroom_inbound", "id: Car-Showroom", "id", "id: Car"),
        ("title: 星辰X5 咨询来电", "title: ''", "title", "title:"),
        ("industry: car", "industry: [car]", "industry", "industry:"),
        ("direction: inbound", "direction: sideways", "direction", "direction:"),
        ("difficulty: normal", "difficulty: brutal", "difficulty", "difficulty:"),
        ("  company: 星辰汽车4S店", "  company: {name: 星辰}", "trainee.company", "company:"),
        ("  aliases: [星辰汽车, 星辰4S店]", "  aliases: [星辰汽车, '']", "trainee.aliases[1]", "aliases:"),
        ("  address: 滨江路88号", "  address: ''", "trainee.address", "address:"),
        ("  surname: 王", "  surname: Wang", "customer.surname", "surname:"),
        ("  given_name: 建国", "  given_name: [建国]", "customer.given_name", "given_name:"),
        ("gender: male ", "gender: robot ", "customer.gender", "gender:"),
        ('phone: "13912345678"', 'phone: "12345"', "customer.phone", "phone:"),
        ("  budget: 20万", "  budget: [20万]", "needs.budget", "budget:"),
        ("class: C ", "class: Z ", "class", "class: Z"),
        ("  - topic: price", "  - topic: weather", "agenda[0].topic", "topic: weather"),
        (
            "      - 我想问一下你们星辰X5现在什么价格？\n      - 我想问下X5落地大概要多少钱？\n",
            "      - ''\n",
            "agenda[0].ask[0]",
            "- ''",
        ),
        ("  patience: 4 ", "  patience: 99 ", "temperament.patience", "patience:"),
        ("  name_reluctance: 0 ", "  name_reluctance: -1 ", "temperament.name_reluctance", "name_reluctance:"),
        ("  phone_reluctance: 1 ", "  phone_reluctance: 7 ", "temperament.phone_reluctance", "phone_reluctance:"),
        ("  price_push: 1 ", "  price_push: lots ", "temperament.price_push", "price_push:"),
        ("  price_push: 1 ", "  price_push: 1\n  busy_at_start: maybe", "temperament.busy_at_start", "busy_at_start:"),
        ("  - days: [周六, 周日]", "  - days: [周八]", "availability[0].days", "days: [周八]"),
        ("    parts: [上午, 下午]", "    parts: [凌晨]", "availability[0].parts", "parts: [凌晨]"),
        ("  name_given:\n", "  name_givn:\n", "lines.name_givn", "name_givn:"),
        (
            "  goodbye:\n    - 好的，那到时候见，再见。\n    - 行，再见。",
            "  goodbye: []",
            "lines.goodbye",
            "goodbye: []",
        ),
    ],
)
def test_a_wrong_value_is_named_with_file_line_and_field(tmp_path, old, new, field, needle):
    path = write_variant(tmp_path, old, new)
    with pytest.raises(PersonaError) as error:
        load_persona(path)
    assert error.value.field == field
    assert error.value.line == line_of(path, needle)
    assert str(error.value).startswith(f"{path}:{error.value.line}: {field}: ")


@pytest.mark.parametrize(
    "old, field",
    [
        ("  surname: 王\n", "customer.surname"),
        ('  phone: "13912345678"\n', "customer.phone"),
        ("  timing: 一个月内想定下来\n", "needs.timing"),
        ("class: C                  # intends to buy, still comparing (seed 001)\n", "class"),
    ],
)
def test_missing_required_field(tmp_path, old, field):
    path = write_variant(tmp_path, old, "")
    with pytest.raises(PersonaError, match=f"{field}: is required"):
        load_persona(path)


def test_id_must_match_the_file_name(tmp_path):
    path = tmp_path / "other_name.yml"
    path.write_text(GOOD.read_text("utf-8"), "utf-8")
    with pytest.raises(PersonaError, match="id: must match the file name"):
        load_persona(path)


def test_every_shipped_persona_is_valid_and_the_four_scenarios_are_there(capsys):
    """The only test that reads data/personas: the files the product ships must load."""
    from bot.__main__ import main

    shipped = sorted(SHIPPED_PERSONAS.glob("*.yml"))
    personas, errors = PersonaRegistry(SHIPPED_PERSONAS).scan()
    assert errors == [] and len(personas) == len(shipped)
    assert {
        "car_showroom_inbound",
        "real_estate_inbound",
        "truck_followup_outbound",
        "telecom_appointment_outbound",
    } <= set(personas)
    assert {p.direction for p in personas.values()} == {"inbound", "outbound"}
    assert main(["personas", "validate", *map(str, shipped)]) == 0
    assert capsys.readouterr().out.count("ok: ") == len(shipped)


def test_tests_read_the_fixture_personas_not_the_shipped_ones():
    folder = default_registry().folder
    assert folder.resolve() != SHIPPED_PERSONAS.resolve()
    assert sorted(p.name for p in folder.glob("*.yml")) == sorted(p.name for p in PERSONAS.glob("*.yml"))
    personas, errors = default_registry().scan()
    assert errors == [] and len(personas) == 6
    assert {p.direction for p in personas.values()} == {"inbound", "outbound"}


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


def test_a_deeply_nested_file_is_a_persona_error_not_a_crash(tmp_path):
    from bot.personas.loader import PersonaError, load_persona

    path = tmp_path / "deep.yml"
    path.write_text("id: deep\ntitle: " + "[" * 5000, encoding="utf-8")
    with pytest.raises(PersonaError, match="deep.yml"):
        load_persona(path)


def test_customer_address_and_a_topic_beyond_the_built_in_ones(tmp_path):
    path = write_variant(
        tmp_path,
        "  occupation: 中学老师\n",
        "  occupation: 中学老师\n  address: 江汉路100号\n",
    )
    text = path.read_text("utf-8").replace(
        "  - topic: configuration\n",
        "  - topic: transport\n    answers: [地铁, 号线, 公交]\n    ask: [你们那儿坐地铁方便吗？]\n"
        "  - topic: hours\n    answers: [全年无休]\n    ask: [你们几点下班？]\n"
        "  - topic: parking\n    answers: [停车场, 车位]\n    word: 停车\n    ask: [好停车吗？]\n"
        "  - topic: configuration\n",
    )
    path.write_text(text, "utf-8")
    persona = load_persona(path)
    assert persona.customer_address == "江汉路100号"
    assert persona.fill("我在{customer_address}") == "我在江汉路100号"
    by_topic = {item.topic: item for item in persona.agenda}
    assert by_topic["transport"].answers == ("地铁", "号线", "公交") and by_topic["transport"].word == "地铁"
    assert by_topic["parking"].word == "停车"
    # A built-in topic keeps its word; its answers only add words.
    assert by_topic["hours"].word == "营业时间" and by_topic["hours"].answers == ("全年无休",)
    assert by_topic["price"].answers == () and by_topic["price"].word == "价格"
    assert load_persona(GOOD).customer_address == ""


@pytest.mark.parametrize(
    "new, message",
    [
        ("  - topic: Weather!", "must be lower_snake_case"),
        ("  - topic: weather\n    answers: []", "must be a non-empty list"),
        ("  - topic: weather\n    answers: [晴天]\n    word: ''", "must not be empty"),
    ],
)
def test_an_own_topic_needs_a_good_id_and_answer_words(tmp_path, new, message):
    path = write_variant(tmp_path, "  - topic: price", new)
    with pytest.raises(PersonaError, match=message) as error:
        load_persona(path)
    assert error.value.field.startswith("agenda[0].")


def test_every_problem_of_a_file_is_reported_with_its_line(tmp_path):
    path = write_variant(tmp_path, "direction: inbound", "direction: sideways")
    text = path.read_text("utf-8").replace("  surname: 王\n", "").replace("  name_given:\n", "  name_givn:\n")
    path.write_text(text.replace("  - days: [周六, 周日]", "  - days: [周八]"), "utf-8")
    with pytest.raises(PersonaError) as error:
        load_persona(path)
    found = [(p.field, p.line) for p in error.value.problems]
    assert found == sorted(found, key=lambda f: f[1])
    assert ("direction", line_of(path, "direction: sideways")) in found
    assert ("customer.surname", line_of(path, "customer:") + 1) in found  # the section's first line
    assert ("lines.name_givn", line_of(path, "name_givn:")) in found
    assert ("availability[0].days", line_of(path, "days: [周八]")) in found
    assert len(found) == 4
    assert str(error.value).count(f"{path}:") == 4


def test_validate_lists_every_mistake_of_every_file_and_fails(tmp_path, capsys):
    from bot.__main__ import main

    one = write_variant(tmp_path, "direction: inbound", "direction: sideways", name="first_file")
    text = one.read_text("utf-8").replace("  surname: 王\n", "").replace("  name_given:\n", "  name_givn:\n")
    one.write_text(text.replace("  - days: [周六, 周日]", "  - days: [周八]"), "utf-8")
    two = write_variant(tmp_path, 'phone: "13912345678"', 'phone: "12345"', name="second_file")
    assert main(["personas", "validate", str(one), str(GOOD), str(two)]) == 1
    captured = capsys.readouterr()
    assert captured.out == f"ok: {GOOD} (car_showroom_inbound)\n"
    assert captured.err.splitlines() == [
        f"{one}:{line_of(one, 'direction: sideways')}: direction: must be one of inbound, outbound; got 'sideways'",
        f"{one}:{line_of(one, 'customer:') + 1}: customer.surname: is required",
        f"{one}:{line_of(one, 'days: [周八]')}: availability[0].days: unknown day '周八'; "
        "use 周一..周日, 工作日 or 周末",
        f"{one}:{line_of(one, 'name_givn:')}: lines.name_givn: unknown line key; known keys: "
        + ", ".join(DEFAULT_LINES),
        f"{two}:{line_of(two, 'phone: ')}: customer.phone: must be an 11-digit mobile number like 13912345678",
    ]
