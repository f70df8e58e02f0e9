"""``clikit.run_async`` hands back a command's result without formatting it: Python 3.11's
``asyncio.run`` reprs its finished main task (and so the task's result) on the way out, which
for a plan of 10,000 changes cost seconds of CPU."""

from __future__ import annotations

from reconciler.clikit import run_async


class Huge:
    reprs = 0

    def __repr__(self) -> str:
        Huge.reprs += 1
        return "Huge()"


def test_the_result_is_not_formatted() -> None:
    result = Huge()

    async def command() -> Huge:
        return result

    assert run_async(command()) is result
    assert Huge.reprs == 0
