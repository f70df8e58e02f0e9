"""smartplus: TikTok Smart+ Web Conversions campaigns as code.

The public API, one function per stage (imported lazily, so `import reconciler`
stays cheap and the emulator can be used without the client):

- ``load_desired(paths, values, sets, advertisers)``: render + validate manifests;
- ``fetch_live(client, manifests)``: read the account (``adapters.fetch``);
- ``make_plan(client, loaded, request)``: read + diff + guardrails -> ``Plan``;
- ``apply_plan(client, plan, loaded, plan_path=...)``: apply a saved plan, resumably.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "apply_plan", "fetch_live", "load_desired", "make_plan"]


def __getattr__(name: str) -> Any:
    if name == "load_desired":
        from reconciler.pipeline import load_desired

        return load_desired
    if name == "fetch_live":
        from reconciler.adapters.fetch import fetch_live

        return fetch_live
    if name == "make_plan":
        from reconciler.pipeline import make_plan

        return make_plan
    if name == "apply_plan":
        from reconciler.pipeline import apply_saved

        return apply_saved
    raise AttributeError(name)
