"""The CPU floor of a plan under the fixed dependencies (issue 15): what the libraries alone spend
on the work no plan of the ``scale:CxGxA`` account can skip, beside the real plan's CPU.

Each part runs in a fresh interpreter (N runs; medians and ranges), against an emulator in its own
process without latency or rate limit (pacing adds waits, not CPU):

- ``interpreter``: ``python -c pass``;
- ``imports``: the third-party modules a plan imports (click, pydantic, httpx, jinja2, PyYAML,
  yaml_rs, asyncio), none of ours;
- ``http``: the paging minimum's requests (the campaigns, then the ad groups and the ads of the
  campaigns in id filters of 100, with the ``fields`` the plan selects) through a plain
  ``httpx.AsyncClient``, one at a time as paced requests mostly are (many at once cost httpx's
  connection pool more), the bodies read; then ``json`` decoding those bodies;
- ``yaml``: ``yaml_rs.loads`` of each document of the rendered manifests;
- ``pydantic``: ``model_dump`` (unset fields out) of every campaign, ad group and ad, as the
  comparisons need; and, printed apart, not in the floor, ``Campaign.model_validate`` of each
  document as plainly done (the plan validates equal sub-values once, for less).

Only the timed part is counted in each child (``time.process_time`` around it; the imports are
the child's whole CPU). With ``--plan``, the real ``smartplus plan DIR -o plan.json`` process at
the bench's rate (10 requests/s, 50 ms latency, as bench/plan_scale.py), N runs, for the ratio.

    .venv/bin/python bench/cpu_floor.py [--seed scale:200x10x5] [--runs 5] [--plan]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import (
    ROOT,
    emulator_server,
    median_range,
    parse_scale,
    run_child,
    smartplus,
    write_scale_manifests,
)

# In the child: the paging minimum's requests of a scale account, as fetch.fetch_for makes them.
HTTP = r"""
import asyncio, json, sys, time
import httpx
base, adv, fields = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
async def main():
    bodies = []
    async with httpx.AsyncClient(base_url=base, headers={"Access-Token": "demo-token"}) as c:
        t = time.process_time()
        async def get(path, params):
            r = await c.get(path, params={k: v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))
                                         for k, v in params.items()})
            bodies.append(r.content)
            return json.loads(r.content)["data"]  # (the ids are needed for the next requests)
        async def each(path, params, size):
            first = await get(path, {**params, "page": "1", "page_size": str(size)})
            rows = list(first["list"])
            pages = first["page_info"]["total_page"]
            for p in range(2, pages + 1):  # one at a time, as paced requests mostly are
                rows += (await get(path, {**params, "page": str(p), "page_size": str(size)}))["list"]
            return rows
        camps = await each("smart_plus/campaign/get/", {"advertiser_id": adv, "fields": fields["campaign"]}, 1000)
        ids = [r["campaign_id"] for r in camps]
        chunks = [ids[i:i + 100] for i in range(0, len(ids), 100)]
        for kind, size in (("adgroup", 1000), ("ad", 100)):
            for chunk in chunks:
                await each(f"smart_plus/{kind}/get/", {"advertiser_id": adv, "fields": fields[kind],
                                                       "filtering": {"campaign_ids": chunk}}, size)
        http = time.process_time() - t
    # The decodes made above to find the ids and pages are counted once, here, on their own:
    t = time.process_time()
    for b in bodies:
        json.loads(b)
    print(json.dumps({"http": http - (time.process_time() - t), "json": time.process_time() - t,
                      "requests": len(bodies), "bytes": sum(map(len, bodies))}))
asyncio.run(main())
"""

YAML = r"""
import json, sys, time
import yaml_rs
docs = json.load(open(sys.argv[1]))
t = time.process_time()
for d in docs:
    yaml_rs.loads(d, parse_datetime=False)
print(json.dumps({"yaml": time.process_time() - t}))
"""

PYDANTIC = r"""
import json, sys, time
import yaml_rs
from reconciler.core.resources import Campaign
docs = [yaml_rs.loads(d, parse_datetime=False) for d in json.load(open(sys.argv[1]))]
t = time.process_time()
camps = [Campaign.model_validate(d) for d in docs]
validate = time.process_time() - t
t = time.process_time()
n = 0
for c in camps:
    c.model_dump(exclude_unset=True, exclude={"adgroups"})
    for g in c.adgroups:
        g.model_dump(exclude_unset=True, exclude={"ads"})
        n += 1 + len(g.ads)
        for a in g.ads:
            a.model_dump(exclude_unset=True)
print(json.dumps({"validate": validate, "dump": time.process_time() - t, "objects": n + len(camps)}))
"""

# Measured, not counted in the floor: the plan validates equal sub-values once
# (manifests.load_valid_fast), which plain per-document validation does not.
APART = {"pydantic validate, plain": "the plan shares equal sub-values and validates them once"}

IMPORTS = "import asyncio, click, pydantic, httpx, jinja2, yaml, yaml_rs"


def child_json(cmd: list[str]) -> dict[str, float]:
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", default="scale:200x10x5")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--plan", action="store_true", help="also run the real plan process, paced")
    args = ap.parse_args()
    c, g, a = parse_scale(args.seed)
    py = sys.executable
    sys.path.insert(0, str(ROOT))
    from reconciler.adapters import files
    from reconciler.adapters.fetch import fields_for

    fields = json.dumps({k: fields_for(k) for k in ("campaign", "adgroup", "ad")})
    rows: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        rows.setdefault(name, []).append(value)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        manifests = write_scale_manifests(work / "m", c, g, a)
        texts = [r.text for r in files.render([str(manifests)]).rendered]
        docs = [d for t in texts for d in re.split(r"(?m)^---[ \t]*\n", t) if d.strip()]
        (work / "docs.json").write_text(json.dumps(docs), encoding="utf-8")
        info: dict[str, float] = {}
        with emulator_server(args.seed, 0, None) as base:
            for _ in range(args.runs):
                add("interpreter", run_child([py, "-c", "pass"]).cpu)
                add("imports (third-party)", run_child([py, "-c", IMPORTS]).cpu - rows["interpreter"][-1])
                got = child_json([py, "-c", HTTP, f"{base}/open_api/v1.3/", "7000000000000000001", fields])
                add("http (httpx, bodies read)", got["http"])
                add("json decode of the bodies", got["json"])
                info.update(requests=got["requests"], bytes=got["bytes"])
                add("yaml (yaml_rs.loads)", child_json([py, "-c", YAML, str(work / "docs.json")])["yaml"])
                got = child_json([py, "-c", PYDANTIC, str(work / "docs.json")])
                add("pydantic validate, plain", got["validate"])
                add("pydantic dump", got["dump"])
                info["objects"] = got["objects"]
        plan: list[float] = []
        if args.plan:
            with emulator_server(args.seed, 50, 10.0) as _base:
                for _ in range(args.runs):
                    run = run_child(
                        smartplus("plan", str(manifests), "-o", str(work / "plan.json"), "--rate-limit", "10")
                    )
                    if run.rc != 0:
                        raise SystemExit(f"plan failed ({run.rc}): {run.stderr[-2000:]}")
                    plan.append(run.cpu)
    print(
        f"CPU floor of a plan, {args.seed}: {info['objects']:,.0f} objects, {info['requests']:.0f} requests, "
        f"{info['bytes'] / 1e6:.1f} MB of answers, {len(docs)} documents; {args.runs} run(s), CPU s, median (range)"
    )
    total = [sum(v[i] for k, v in rows.items() if k not in APART) for i in range(args.runs)]
    for name, values in rows.items():
        if name not in APART:
            print(f"  {name:30s} {median_range(values, '.3f')}")
    print(f"  {'floor (sum)':30s} {median_range(total, '.3f')}")
    for name in APART:
        print(f"  {name:30s} {median_range(rows[name], '.3f')}  (not in the floor: {APART[name]})")
    if plan:
        ratio = [p / f for p, f in zip(plan, total, strict=True)]
        print(f"  {'smartplus plan, paced':30s} {median_range(plan, '.3f')}")
        print(f"  {'plan / floor':30s} {median_range(ratio, '.2f')}")


if __name__ == "__main__":
    main()
