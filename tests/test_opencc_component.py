"""Traditional input becomes Simplified inside the NLU pipeline, keeping entity offsets."""

from __future__ import annotations

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.opencc_component import TraditionalToSimplified
from bot.language.text import normalize


def component() -> TraditionalToSimplified:
    return TraditionalToSimplified.create({}, None, None, None)


def test_live_messages_are_converted():
    (message,) = component().process([Message(data={TEXT: "請問您貴姓？歡迎來店裡試駕"})])
    assert message.get(TEXT) == "请问您贵姓？欢迎来店里试驾"


def test_training_examples_keep_entity_offsets():
    text = "歐陽女士，週六上午見"
    entity = {"start": 0, "end": 4, "value": "歐陽女士", "entity": "addressee"}
    data = TrainingData([Message(data={TEXT: text, "intent": "propose_time", "entities": [entity]})])
    converted = component().process_training_data(data).training_examples[0].get(TEXT)
    assert converted[entity["start"]:entity["end"]] == "欧阳女士"


def test_full_width_digits_fold():
    assert normalize("電話１３９１２３４５６７８") == "电话13912345678"


def test_annotated_entity_values_are_converted_too():
    entity = {"start": 0, "end": 2, "value": "李總", "entity": "addressee"}
    data = TrainingData([Message(data={TEXT: "李總您好", "intent": "greet", "entities": [entity]})])
    (example,) = component().process_training_data(data).training_examples
    assert example.get("entities")[0]["value"] == "李总"
