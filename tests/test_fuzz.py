"""A bounded fuzz of `Session.submit` (a few seconds in the normal suite): the tutor itself never fails
(no TutorError) and never hangs (each input ends within its limit plus 3 s), whatever it is given.

The long run is a separate command: `nice -n 15 python tests/fuzz/run.py --count 10000`.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings

from fuzz_inputs import inputs
from tutor.session import Session

LIMIT = 0.5
SESSION = {}


def session() -> Session:
    if "s" not in SESSION:
        SESSION["s"] = Session(timeout=LIMIT)
        SESSION["s"].ensure_torch()
    return SESSION["s"]


@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(inputs)
def test_no_internal_error_and_no_hang(text):
    s = session()
    started = time.monotonic()
    outcome = s.submit(text)
    assert time.monotonic() - started < 2 * LIMIT + 3, text
    assert outcome.error is None or outcome.error.type != "TutorError", (text, outcome.error.message)
    if outcome.exit_requested or len(s.history) > 60:
        SESSION.clear()  # a fresh session now and then, like a learner restarting
