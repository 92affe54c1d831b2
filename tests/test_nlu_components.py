"""Our NLU graph components without a trained model: control examples kept from DIET, the guard,
mixed Chinese/English tokens, and entities from the grader's own spans."""

from __future__ import annotations

import jieba
import yaml
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language.spans import LABELS, extract
from bot.messages import CONTROL_INTENTS
from bot.nlu.control_intents import ControlExamplesFilter, ControlIntentGuard
from bot.nlu.lexicon_entities import LexiconEntities
from bot.nlu.mixed_tokenizer import EMOJI_TOKEN, MixedTextJiebaTokenizer, join_model_names
from bot.settings import PROJECT_ROOT


def example(text: str, intent: str) -> Message:
    return Message(data={TEXT: text, INTENT: intent})


def test_control_intents_examples_never_reach_the_classifier():
    data = TrainingData(
        training_examples=[example("开始", "start_call"), example("挂了", "hangup"), example("（沉默）", "silence"),
                           example("您好", "greet")],
        regex_features=[{"name": "phone", "pattern": r"1\d{10}"}],
    )
    kept = ControlExamplesFilter().process_training_data(data)
    assert [m.get(INTENT) for m in kept.training_examples] == ["greet"]
    assert kept.intents == {"greet"} and not kept.intents & CONTROL_INTENTS
    assert kept.regex_features == data.regex_features


def test_the_guard_turns_a_typed_silence_into_the_next_best_intent():
    message = Message(data={TEXT: "（沉默）"})
    message.set(INTENT, {"name": "silence", "confidence": 0.9})
    message.set(INTENT_RANKING_KEY, [{"name": "silence", "confidence": 0.9}, {"name": "out_of_scope", "confidence": 0.1}])
    ControlIntentGuard.guard(message)
    assert message.get(INTENT)["name"] == "out_of_scope"


def tokens(text: str) -> list:
    tokenizer = MixedTextJiebaTokenizer(MixedTextJiebaTokenizer.get_default_config(), None, None)  # type: ignore[arg-type]
    return [t.text for t in tokenizer.tokenize(Message(data={TEXT: text}), TEXT)]


def test_model_names_stay_whole_and_no_whitespace_token_is_left():
    said = tokens("我想试驾Model Y，或者iPhone 15那么大的屏")
    assert "Model Y" in said and "iPhone 15" in said
    assert all(t.strip() == t and t for t in said)
    assert "Model" not in said and "Y" not in said


def test_codes_and_words_are_not_glued_together():
    assert "OR" in tokens("' OR 1=1 --")  # OR is no model name
    assert [w for w, _, _ in join_model_names("how much", list(jieba.tokenize("how much")))] == ["how", "much"]


def test_every_emoji_is_the_same_word():
    assert tokens("😊🙂 好")[:2] == [EMOJI_TOKEN, EMOJI_TOKEN]


def test_entities_are_the_graders_spans_at_their_offsets():
    text = "王先生您好，您看周六上午十点方便吗？我们在滨江路188号，电话13812345678"
    message = Message(data={TEXT: text})
    LexiconEntities().process([message])
    found = message.get(ENTITIES)
    assert [(e["entity"], e["value"]) for e in found] == [(s.label.lower(), s.text) for s in extract(text)]
    assert {e["entity"] for e in found} >= {"addressee", "day", "part", "clock", "address", "phone"}
    assert all(text[e["start"]:e["end"]] == e["value"] for e in found)


def test_the_domain_lists_every_entity_the_extractor_gives():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))
    assert sorted(domain["entities"]) == sorted(label.lower() for label in LABELS)
