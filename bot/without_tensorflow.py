"""Keep TensorFlow out of the processes that never run a model (the web app, the action server, the
trainers' and admins' CLI commands).

spaCy's thinc imports TensorFlow whenever it is installed (Rasa installs it): ~350 MB and ~2 s per
process, for a blank zh pipeline and a Matcher that need none of it. A None in sys.modules makes
`import tensorflow` fail, which thinc takes as "not installed".
"""

from __future__ import annotations

import sys


def block() -> None:
    if "tensorflow" not in sys.modules:  # too late once loaded; harmless then
        sys.modules["tensorflow"] = None  # type: ignore[assignment]
