"""`python -m bot grade FILE...`: scorecards for transcript files, the model loaded once."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional, TextIO

from bot.transcript import TranscriptError, load_transcript


def run_grade(files: List[str], as_json: bool, model: Optional[str],
              out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Grade each file; a malformed one is reported (exit code 2) and the rest still graded."""
    from bot.grading import Grader, RubricError, load_rubric
    from bot.nlu.model import DEFAULT_MODEL, ModelParser

    try:
        rubric = load_rubric()
        parser = ModelParser(Path(model) if model else DEFAULT_MODEL)
    except (RubricError, FileNotFoundError) as error:
        print(f"error: {error}", file=err)
        return 2
    grader = Grader(parser, rubric)
    status = 0
    for name in files:
        try:
            transcript = load_transcript(Path(name))
        except TranscriptError as error:
            print(f"error: {error}", file=err)
            status = 2
            continue
        card = grader.grade(transcript, file=name)
        if as_json:
            print(json.dumps(card.to_dict(), ensure_ascii=False), file=out)
        else:
            print(card.to_text() + "\n", file=out)
    return status
