"""Out-of-scope understanding with the trained model, on a held-out set never used for training
(tests/fixtures/nlu/out_of_scope_heldout.yml): typed words never become a control intent,
out-of-scope turns are heard as such, and sales turns keep their intent."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import yaml

from bot.customer.misheard import FALLBACK, OUT_OF_SCOPE, recovered_intent
from bot.messages import CONTROL_INTENTS, spoken

HELDOUT = Path(__file__).parent / "fixtures" / "nlu" / "out_of_scope_heldout.yml"
MIN_OUT_OF_SCOPE = 0.90
MIN_IN_SCOPE = 0.90
# The issue's reproductions, and turns too long to write in the fixture (the channels refuse more
# than 300 characters, but the NLU must still not read them as a control; 您好 x 5000 may be a greeting).
ISSUE_INPUTS = ["asdfgh", "Hello, how much is it?", "<script>alert(1)</script>", "' OR 1=1 --", "/action_grade",
                "hi", "Model Y", "hello", "😀😀😀", "嗯嗯嗯", "您好" * 5000]
LONG = ["啊" * 400, "asdf " * 2000, "<div>" * 300, "x" * 10_000]

pytestmark = pytest.mark.slow


def heldout() -> Tuple[Dict[str, List[str]], List[Dict[str, str]]]:
    data = yaml.safe_load(HELDOUT.read_text("utf-8"))
    return data["out_of_scope"], data["in_scope"]


def test_the_heldout_set_is_large_and_never_trained_on():
    out, ins = heldout()
    texts = [t for group in out.values() for t in group] + [x["text"] for x in ins]
    assert len(texts) >= 60 and len(set(texts)) == len(texts)
    trained = {line.strip()[2:] for line in (Path(__file__).parent.parent / "data" / "nlu.yml").open(encoding="utf-8")
               if line.startswith("    - ")}
    assert not set(texts) & trained


def reading(model_parser, text: str) -> str:
    """The intent the customer reacts to: the channel's escaping, the NLU, the fallback recovery."""
    data = model_parser(spoken(text))
    name = data["intent"]["name"]
    if name == FALLBACK:
        name = recovered_intent(data.get("intent_ranking") or [], data["text"]) or name
    return name


def test_no_typed_input_becomes_a_control_intent(model_parser):
    out, ins = heldout()
    texts = ISSUE_INPUTS + LONG + [t for group in out.values() for t in group] + [x["text"] for x in ins]
    controls = {t[:40]: model_parser(spoken(t))["intent"]["name"] for t in texts}
    assert {t: i for t, i in controls.items() if i in CONTROL_INTENTS} == {}


def test_out_of_scope_inputs_are_heard_as_out_of_scope(model_parser):
    out, _ = heldout()
    rows = []
    for group, texts in [*out.items(), ("long", LONG)]:
        read = [reading(model_parser, t) for t in texts]
        missed = [(t[:30], i) for t, i in zip(texts, read) if i not in (OUT_OF_SCOPE, FALLBACK)]
        rows.append((group, len(texts), len(texts) - len(missed), missed))
    total, right = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print("\nheld-out out-of-scope:", ", ".join(f"{g} {ok}/{n}" for g, n, ok, _ in rows), f"= {right}/{total}")
    missed = [m for r in rows for m in r[3]]
    assert right / total >= MIN_OUT_OF_SCOPE, missed
    for text in ISSUE_INPUTS[:-2]:  # 嗯嗯嗯 may also be read as an acknowledgement (嗯嗯)
        assert reading(model_parser, text) in (OUT_OF_SCOPE, FALLBACK), text


def test_sales_turns_keep_their_intent(model_parser):
    _, ins = heldout()
    wrong = [(x["text"], x["intent"], got) for x in ins if (got := reading(model_parser, x["text"])) != x["intent"]]
    print(f"\nheld-out in-scope: {len(ins) - len(wrong)}/{len(ins)} keep their intent; wrong: {wrong}")
    assert (len(ins) - len(wrong)) / len(ins) >= MIN_IN_SCOPE, wrong
