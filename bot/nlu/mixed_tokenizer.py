"""Jieba tokenization that survives mixed Chinese/English turns (rasa#7910).

Rasa's JiebaTokenizer keeps jieba's whitespace tokens (" " between 试驾 and Model), which later
components strip, so features and tokens disagree; and a model name such as `Model Y` or
`iPhone 15` comes out as two unrelated words. Here whitespace tokens are dropped, and a Latin
word followed by a bare number or a single capital letter (the suffix of a model name) is kept as
one token. jieba already keeps an unspaced run of letters and digits (X5, 4S店's 4S) whole.
Every emoji reads as the same word, EMOJI_TOKEN: to the customer a picture is never speech, and
a smiley never seen in training would otherwise have no features at all (and land on whatever
intent short turns lean to).
"""

from __future__ import annotations

import re
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

MODEL_WORD = re.compile(r"[A-Za-z]*[a-z][A-Za-z]*")  # a name, not a code: Model, iPhone, Mate (not OR)
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d]+")
EMOJI_TOKEN = "emoji"
MODEL_SUFFIX = re.compile(r"[0-9]+|[A-Z]")  # Model Y, iPhone 15, Mate 60


def join_model_names(text: str, spans: List[tuple]) -> List[tuple]:
    """(word, start, end) from jieba -> the same without whitespace, model names joined."""
    words = [(w, s, e) for w, s, e in spans if w.strip()]
    joined: List[tuple] = []
    for word, start, end in words:
        if joined:
            prev, prev_start, prev_end = joined[-1]
            gap = text[prev_end:start]
            if gap and not gap.strip() and MODEL_WORD.fullmatch(prev) and MODEL_SUFFIX.fullmatch(word):
                joined[-1] = (text[prev_start:end], prev_start, end)
                continue
        joined.append((word, start, end))
    return joined


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class MixedTextJiebaTokenizer(JiebaTokenizer):
    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        import jieba

        text = message.get(attribute)
        tokens = [
            Token(EMOJI_TOKEN if EMOJI.fullmatch(word) else word, start, end)
            for word, start, end in join_model_names(text, list(jieba.tokenize(text)))
        ]
        return self._apply_token_pattern(tokens)
