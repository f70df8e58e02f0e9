"""The reconcile loop as a state machine, a bounded run for `make test` (tests/loop/machine.py).

No shrinking: a failure is reported at once with the steps that led to it (each step's
note is printed), so the run stays bounded even when it finds a bug. The long run with
shrinking is bench/loop_soak.py.
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings

from .machine import LoopMachine

LoopMachine.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    print_blob=True,
)
TestLoop = LoopMachine.TestCase
