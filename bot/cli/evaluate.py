"""`python -m bot eval DIR`: grade labelled transcripts and print agreement and kappa per criterion;
`python -m bot bench DIR`: transcripts graded per second once the model is loaded."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, TextIO, Tuple

from bot.grading.rubric import CORE, CRITERIA
from bot.transcript import load_transcript
from bot.yaml_io import load_plain

MIN_CORE_AGREEMENT = 0.95


def labelled_files(folder: Path) -> List[Path]:
    return sorted(p for p in Path(folder).glob("*.yml"))


def labels_of(path: Path) -> Dict[str, bool]:
    data = load_plain(path.read_text("utf-8")) or {}
    labels = data.get("labels") or {}
    missing = [c for c in CORE if not isinstance(labels.get(c), bool)]
    if missing:
        raise ValueError(f"{path}: labels.{missing[0]}: every golden file needs true/false for {', '.join(CORE)}")
    return {c: labels[c] for c in CRITERIA if isinstance(labels.get(c), bool)}


def run_eval(folder: str, model: Optional[str], out: Optional[TextIO] = None) -> Tuple[int, list]:
    out = out or sys.stdout
    from bot.grading import Grader
    from bot.grading.evaluation import evaluate
    from bot.nlu.model import DEFAULT_MODEL, ModelParser

    grader = Grader(ModelParser(Path(model) if model else DEFAULT_MODEL))
    results: Dict[str, Dict[str, Tuple[bool, bool]]] = {}
    for path in labelled_files(Path(folder)):
        card = grader.grade(load_transcript(path), file=str(path))
        results[path.name] = {c: (label, card.result(c).passed) for c, label in labels_of(path).items()}
    table = evaluate(results)
    print(f"{len(results)} labelled transcripts in {folder}", file=out)
    print(f"{'criterion':<18} {'n':>3} {'agreement':>9} {'kappa':>6}  disagreements", file=out)
    for row in table:
        core = "*" if row.criterion in CORE else " "
        print(
            f"{row.criterion:<17}{core} {row.n:>3} {row.agreement:>9.3f} {row.kappa:>6.2f}  "
            + ", ".join(row.disagreements),
            file=out,
        )
    print(f"* core criteria; the test fails below agreement {MIN_CORE_AGREEMENT}", file=out)
    failing = [r for r in table if r.criterion in CORE and r.agreement < MIN_CORE_AGREEMENT]
    return (1 if failing else 0), table


def run_bench(folder: str, model: Optional[str], rounds: int = 3, out: Optional[TextIO] = None) -> int:
    out = out or sys.stdout
    from bot.grading import Grader
    from bot.nlu.model import DEFAULT_MODEL, ModelParser

    started = time.perf_counter()
    parser = ModelParser(Path(model) if model else DEFAULT_MODEL)
    loaded = time.perf_counter() - started
    transcripts = [load_transcript(p) for p in labelled_files(Path(folder))]
    grader = Grader(parser)
    grader.grade(transcripts[0])  # warm-up: spaCy/jieba dictionaries, TF graph
    turns = sum(len(t.trainee_turns) for t in transcripts)
    print(f"model loaded in {loaded:.1f} s; {len(transcripts)} transcripts, {turns} trainee turns", file=out)
    for i in range(rounds):
        parser.clear_cache()  # every round parses every turn through the model again
        started = time.perf_counter()
        for transcript in transcripts:
            grader.grade(transcript)
        elapsed = time.perf_counter() - started
        print(
            f"round {i + 1}: {len(transcripts) / elapsed:.1f} transcripts/s "
            f"({elapsed / turns * 1000:.1f} ms per trainee turn)",
            file=out,
        )
    return 0
