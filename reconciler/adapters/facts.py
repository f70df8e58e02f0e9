"""Read the facts guardrails need (today's spend, ...). I/O edge.

(First version: the interface only.)
"""

from __future__ import annotations

from datetime import datetime

from reconciler.adapters.api import TikTokClient
from reconciler.core.guardrails import Facts
from reconciler.core.live import LiveAccount


async def fetch_facts(client: TikTokClient, live: LiveAccount, now: datetime) -> Facts:
    return Facts()
