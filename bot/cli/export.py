"""`python -m bot export CALL_ID`: a finished rehearsal from the tracker store, as a transcript."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Optional, TextIO

from bot.calls import call_info_for, transcript_from, turns_from_events
from bot.personas.registry import PROJECT_ROOT, UnknownPersona, default_registry


async def _events(call_id: str, endpoints: Path):
    from rasa.core.tracker_store import TrackerStore
    from rasa.core.utils import AvailableEndpoints
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import EventVerbosity

    config = AvailableEndpoints.read_endpoints(str(endpoints)).tracker_store
    store = TrackerStore.create(config, domain=Domain.load(str(PROJECT_ROOT / "domain.yml")))
    tracker = await store.retrieve_full_tracker(call_id)
    if tracker is None or not tracker.events:
        return None
    return tracker.current_state(EventVerbosity.ALL)


def run_export(call_id: str, endpoints: Optional[str], output: Optional[str],
               out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    from bot.nlu.model import quiet_rasa

    quiet_rasa()
    endpoints_path = Path(endpoints) if endpoints else PROJECT_ROOT / "endpoints.yml"
    os.chdir(PROJECT_ROOT)  # the SQLite path in endpoints.yml is relative to the project
    state = asyncio.run(_events(call_id, endpoints_path.resolve()))
    if state is None:
        print(f"error: no call {call_id!r} in the tracker store ({endpoints_path})", file=err)
        return 2
    call = (state.get("slots") or {}).get("call") or {}
    try:
        persona = default_registry().get(call.get("persona_id") or "")
    except UnknownPersona:
        print(f"error: call {call_id!r} has no known persona (was it a rehearsal?)", file=err)
        return 2
    pairs, _, hangup = turns_from_events(state["events"])
    text = transcript_from(call_info_for(persona, call.get("rings")), pairs, hangup).to_yaml()
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        out.write(text)
    return 0
