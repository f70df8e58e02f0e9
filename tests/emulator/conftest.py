from __future__ import annotations

from collections.abc import Iterator

import pytest

from reconciler.emulator import create_app

from .helpers import NOW, Api


@pytest.fixture
def api() -> Iterator[Api]:
    client = Api(create_app(now=NOW))
    with client.client:
        yield client
