"""One lexicon (data/lexicon.yml) and one rubric (data/rubric.yml): read once, reread when changed,
every unknown key reported with its line; the names the rest of the code imports come from them."""

from __future__ import annotations

import os
import shutil

import pytest

from bot.grading import RubricError, load_rubric
from bot.grading.record_card import CADENCE
from bot.grading.rubric import CORE, DEFAULT_PATH
from bot.grading.scorecard import LABELS
from bot.language import datafile, spans, words
from bot.language.datafile import DataFileError
from bot.language.topics import TOPIC_TABLE
from bot.language.words import LEXICON_PATH, lexicon, phone_digits


def test_the_word_lists_everyone_imports_come_from_the_lexicon():
    lex = lexicon()
    assert words.HONORIFICS == lex.honorifics and "经理" in words.HONORIFICS and "姐" in words.HONORIFICS
    assert words.PHONE_RE is lex.phone_re and words.PHONE_REASON is lex.phone_reason_re
    assert "欧阳" in words.COMPOUND_SURNAMES and "王" in words.SINGLE_SURNAMES
    assert TOPIC_TABLE["price"].keywords == lex.topics["price"].keywords and "多少钱" in lex.topics["price"].keywords


@pytest.mark.parametrize("said", ["139 0123 4567", "13901234567", "一三九 零一二三 四五六七", "幺三九零一二三四五六七"])
def test_a_phone_number_is_its_digits(said):
    assert words.PHONE_RE.fullmatch(said) and phone_digits(said) == "13901234567"


def test_the_rubric_holds_labels_core_criteria_answer_words_and_the_cadence():
    rubric = load_rubric()
    assert LABELS == rubric.labels and LABELS["confirmation"] == "复述确认"
    assert CORE == rubric.core == ("greeting", "name_capture", "invitation", "closing")
    assert dict(CADENCE) == dict(rubric.cadence) and CADENCE["A"][1] == "每天跟进一次"
    assert rubric.answer_words["price"].search("一个月多六百左右")


def test_parsed_once_and_again_only_after_the_file_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(datafile, "RECHECK_SECONDS", 0.0)  # look at the file on every read
    path = tmp_path / "rubric.yml"
    shutil.copy(DEFAULT_PATH, path)
    first = load_rubric(path)
    assert load_rubric(path) is first
    path.write_text(path.read_text("utf-8").replace("max_fillers: 3", "max_fillers: 5"), "utf-8")
    os.utime(path, (1, 1))  # a different modification time, whatever the file system's resolution
    again = load_rubric(path)
    assert again is not first and again.max_fillers == 5 and again.version != first.version


def test_the_file_is_looked_at_once_a_second_not_on_every_read(tmp_path, monkeypatch):
    path = tmp_path / "rubric.yml"
    shutil.copy(DEFAULT_PATH, path)
    clock = [1000.0]
    monkeypatch.setattr(datafile, "clock", lambda: clock[0])
    first = load_rubric(path)
    path.write_text(path.read_text("utf-8").replace("max_fillers: 3", "max_fillers: 5"), "utf-8")
    os.utime(path, (1, 1))
    clock[0] += datafile.RECHECK_SECONDS / 2
    assert load_rubric(path) is first  # within the second: no stat, the parsed file
    clock[0] += datafile.RECHECK_SECONDS
    assert load_rubric(path).max_fillers == 5  # the edit is live a second later


def test_every_unknown_rubric_key_is_named_with_file_and_line(tmp_path):
    text = DEFAULT_PATH.read_text("utf-8")
    text = text.replace("thresholds:\n", "thresholds:\n  max_filers: 3\n", 1)
    text = text.replace("  greeting:\n    label:", "  greeting:\n    lable: x\n    label:", 1)
    text += "extra_section: 1\n"
    path = tmp_path / "rubric.yml"
    path.write_text(text, "utf-8")
    lines = text.splitlines()
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    message = str(caught.value)
    for key, needle in (
        ("thresholds.max_filers", "  max_filers: 3"),
        ("criteria.greeting.lable", "    lable: x"),
        ("extra_section", "extra_section: 1"),
    ):
        line = lines.index(needle) + 1
        assert f"{path}:{line}: {key}: unknown key" in message, message


def test_every_unknown_lexicon_key_is_named(tmp_path):
    text = LEXICON_PATH.read_text("utf-8") + "honourifics: [先生]\ntopics_extra: 1\n"
    path = tmp_path / "lexicon.yml"
    path.write_text(text, "utf-8")
    with pytest.raises(DataFileError) as caught:
        lexicon(path)
    message = str(caught.value)
    assert "honourifics: unknown key" in message and "topics_extra: unknown key" in message
    assert f"{path}:{len(text.splitlines()) - 1}: honourifics" in message


def test_every_criterion_has_a_better_line_and_a_bad_one_is_named(tmp_path):
    assert all(c.better for c in load_rubric().criteria.values())
    text = DEFAULT_PATH.read_text("utf-8").replace("    better: 请问您贵姓", "    better: [请问您贵姓", 1)
    text = text.replace("吗？\n", "吗？]\n", 1)
    path = tmp_path / "rubric.yml"
    path.write_text(text, "utf-8")
    with pytest.raises(RubricError, match=r"criteria\.name_capture\.better"):
        load_rubric(path)


def test_spans_are_read_again_after_the_lexicon_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(datafile, "RECHECK_SECONDS", 0.0)
    path = tmp_path / "lexicon.yml"
    shutil.copy(LEXICON_PATH, path)
    monkeypatch.setattr(spans, "lexicon", lambda: lexicon(path))
    said = "就在钟楼见"
    assert "LANDMARK" not in {s.label for s in spans.extract(said)}
    assert spans.extract(said) == spans.extract(said)  # the cached reading
    text = path.read_text("utf-8")
    path.write_text(text.replace("landmark: '", "landmark: '钟楼|", 1), "utf-8")
    os.utime(path, (1, 1))
    assert [(s.label, s.text) for s in spans.extract(said) if s.label == "LANDMARK"] == [("LANDMARK", "钟楼")]
