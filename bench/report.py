"""bench/results.md: one `### <title>` section per benchmark, each rewritten by its own run."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.md"


def write_section(title: str, body: str) -> str:
    """Replace (or append) the section whose heading starts with `### {title}`; the section's text."""
    text = f"### {body.strip()}\n" if body.startswith(title) else f"### {title}\n\n{body.strip()}\n"
    old = RESULTS.read_text("utf-8") if RESULTS.exists() else "# Benchmark results\n"
    head, *sections = old.split("\n### ")
    kept = [s for s in sections if not s.startswith(title)]
    new = [head.rstrip() + "\n", *("### " + s.rstrip() + "\n" for s in kept), text]
    RESULTS.write_text("\n".join(new), encoding="utf-8")
    return text
