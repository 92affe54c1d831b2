"""Speed-ups for the Rasa server process that keep Rasa's behaviour: applied by `bot serve rasa`.

The profile under load (bench/profile.md) showed half of the Rasa server's time in
`RemoteAction._validate_action_result`: `jsonschema.validate` re-checks Rasa's large events schema
against the JSON-Schema meta-schema on every action call, then resolves its references anew. The
schema is a constant, so one validator, checked once, gives the same verdicts at a fraction of the cost.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from rasa.core.actions.action import RemoteAction


@lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, as jsonschema.validate would on every call
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    from jsonschema import ValidationError, exceptions

    error = exceptions.best_match(_action_result_validator().iter_errors(result))
    if error is None:
        return True
    assert isinstance(error, ValidationError)
    # The same message Rasa adds (rasa/core/actions/action.py) so its logs read as before.
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action "
        "endpoint is valid. For more information about the format visit https://rasa.com/docs/rasa/custom-actions"
    )
    raise error


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result
