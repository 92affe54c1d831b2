"""What the customer does with a turn it can't take as words: garbled, not Chinese, or silence.

A phone customer hears noise, English, or nothing: it says 「喂？您说什么？信号不太好」
(`misheard`), 「您能说中文吗？」 (`not_chinese`) or 「喂？还在吗？」 (`silence`), lines a persona
may override. Such turns in a row wear the customer out, all kinds counted together (the line is
not getting through): an impatient customer (patience <= IMPATIENT left) hangs up on the second,
any other on the third, with `misheard_hangup`. A turn that is heard resets the row.

Where the NLU fell back (`nlu_fallback`, top intent below the FallbackClassifier's 0.4), a Chinese
turn whose best real intent is a sales move at RECOVER_CONFIDENCE or more is taken as that move:
trainee speech is often only weakly typical of one intent, and a customer who says "pardon?" to
it would punish natural speech. Guesses that would cost the trainee (goodbye ends the call; rude
and off-topic cost patience) or that are not moves are never made.

Pure functions over CallState and the turn: the simulator and the actions call them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence

from bot.customer.state import CallState
from bot.messages import CONTROL_INTENTS, ESCAPED_PREFIX

FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
SILENCE = "silence"
# Checked on tests/fixtures/nlu/out_of_scope_heldout.yml: no out-of-scope input there puts any
# sales move above 0.10 (the model is sure they are out_of_scope), and in-scope turns score their
# intent at 0.9 or more. 0.25 keeps a wide margin over the first, six times chance among ~25
# intents, and below the fallback's 0.4, so only turns the classifier hesitated on are affected.
RECOVER_CONFIDENCE = 0.25
NEVER_GUESSED = frozenset({FALLBACK, OUT_OF_SCOPE, "goodbye", "rude", "off_topic", *CONTROL_INTENTS})
IMPATIENT = 3  # patience left at or below which two unclear turns in a row end the call
# What the customer says when our own servers could not take a turn (the action server down or
# restarting): the web app says it, in character, and the widget offers the words again.
LINE_DROPPED = "喂？喂？刚才信号断了一下，您再说一遍？"

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
# Hesitation sounds and punctuation: a turn of nothing else says nothing (嗯嗯嗯, 呃……).
ONLY_FILLERS = re.compile(r"(?:[嗯啊呃额哦噢唔哈哎诶欸]|那个|就是|[\W_])*")


@dataclass(frozen=True)
class Heard:
    line: str  # the persona line key the customer says
    hang_up: bool = False


def chinese(text: str) -> bool:
    """Mostly Chinese words, not only hesitation sounds."""
    han = len(CJK.findall(text))
    return han > len(LATIN.findall(text)) and not ONLY_FILLERS.fullmatch(text)


def mostly_latin(text: str) -> bool:
    """More Latin letters than Chinese characters: English, code, a keyboard mash."""
    return len(LATIN.findall(text)) > len(CJK.findall(text))


def recovered_intent(ranking: Sequence[Dict[str, Any]], text: str) -> Optional[str]:
    """The sales move a fallen-back Chinese turn most likely was, if the classifier leaned to one."""
    real = [r for r in ranking if r.get("name") != FALLBACK]
    if not real or not chinese(text) or text.startswith(ESCAPED_PREFIX):  # a typed command is no move
        return None
    best = real[0]
    if best.get("name") in NEVER_GUESSED or (best.get("confidence") or 0.0) < RECOVER_CONFIDENCE:
        return None
    return str(best["name"])


def kind(text: str, intent: str) -> str:
    """The line key for a turn that did not get through."""
    if intent == SILENCE:
        return "silence"
    if mostly_latin(text):
        return "not_chinese"
    if intent in (FALLBACK, OUT_OF_SCOPE):
        return "misheard"
    return "not_understood"  # a move the customer can't place (the dialogue policy's fallback)


def in_a_row_limit(state: CallState) -> int:
    return 2 if state.patience <= IMPATIENT else 3


def hear(state: CallState, text: str, intent: str) -> Heard:
    """Count this unclear turn (state.trainee_turns is its number) and choose the reply."""
    follows = state.last_misheard_turn > 0 and state.last_misheard_turn == state.trainee_turns - 1
    state.misheard_in_a_row = state.misheard_in_a_row + 1 if follows else 1
    state.last_misheard_turn = state.trainee_turns
    if state.misheard_in_a_row >= in_a_row_limit(state):
        return Heard("misheard_hangup", hang_up=True)
    return Heard(kind(text, intent))
