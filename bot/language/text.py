"""Text normalisation shared by NLU, the customer and the grader: one script, one width."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """Simplified script with full-width letters/digits folded (１３８ -> 138).

    Length-preserving, so entity offsets annotated on the original text stay valid.
    """
    folded = "".join(
        unicodedata.normalize("NFKC", ch) if "\uff10" <= ch <= "\uff5a" and ch.isalnum() else ch for ch in text
    )
    converted = _converter().convert(folded)
    # Phrase-level conversion can (rarely) change length; offsets matter more than a glyph.
    return converted if len(converted) == len(folded) else folded
