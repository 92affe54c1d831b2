"""Reading our tables from a test, as an evaluator's tool would (bot.store)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from bot.store import calls
from bot.store.database import Database


class StoreView:
    def __init__(self, url: str) -> None:
        self.db = Database(url)

    def get_call(self, call_id: str) -> Optional[Dict[str, Any]]:
        call = calls.get_call(self.db, call_id)
        return calls.call_dict(call) if call else None

    def call_of_conversation(self, conversation_id: str) -> Optional[Dict[str, Any]]:
        call = calls.get_call_by_conversation(self.db, conversation_id)
        return calls.call_dict(call) if call else None

    def all_calls(self) -> List[Dict[str, Any]]:
        return calls.list_calls(self.db, everyone=True)
