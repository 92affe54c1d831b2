"""Using the trained Rasa model as a library: quiet logging and a cached parse function."""

from __future__ import annotations

import asyncio
import logging
import warnings
from pathlib import Path
from typing import Any, Dict

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "models" / "peilian.tar.gz"


def quiet_rasa() -> None:
    """Rasa logs at debug level when used as a library; a CLI wants only its own output."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.ERROR)
    configure_structlog(logging.ERROR)
    logging.getLogger("jieba").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")


class ModelParser:
    """text -> Rasa parse data, from the trained model loaded once (NLU only, no actions)."""

    def __init__(self, model: Path = DEFAULT_MODEL) -> None:
        if not Path(model).exists():
            raise FileNotFoundError(f"no trained model at {model}: run `make model` first")
        quiet_rasa()
        from rasa.core.agent import Agent

        self._loop = asyncio.new_event_loop()
        self._agent = Agent.load(str(model))
        self._cache: Dict[str, Dict[str, Any]] = {}

    def __call__(self, text: str) -> Dict[str, Any]:
        if text not in self._cache:
            self._cache[text] = self._loop.run_until_complete(self._agent.parse_message(text))
        return self._cache[text]

    def clear_cache(self) -> None:
        self._cache.clear()
