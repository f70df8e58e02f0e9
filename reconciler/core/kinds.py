"""One record per object kind: the facts about campaigns, ad groups and ads that every
stage needs (which field holds the id, the name, the parent id; which endpoint reads,
creates, updates and switches it; page size and id filter of its get endpoint).

Pure data. Reading, planning, applying and verifying all look a kind up here, so
there is one place to get a field name or an endpoint right, instead of parallel
per-kind dictionaries in each module.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.core.addresses import KINDS, Kind


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    id_field: str  # the id in rows and create answers
    name_field: str  # identity within the parent (spec 4.3)
    parent_field: str | None  # the parent's id in rows and create bodies
    get: str
    create: str
    update: str
    status: str
    status_ids: str  # the id list key of the status endpoint's body
    id_filter: str  # `filtering` key for reading by ids
    page_size: int  # the largest page the get endpoint allows

    @property
    def depth(self) -> int:
        return KINDS.index(self.kind)


# Endpoints and keys: shared/reference/smart-plus-current.md sections 1-3.
CAMPAIGN = KindSpec(
    kind="campaign",
    id_field="campaign_id",
    name_field="campaign_name",
    parent_field=None,
    get="smart_plus/campaign/get/",
    create="smart_plus/campaign/create/",
    update="smart_plus/campaign/update/",
    status="smart_plus/campaign/status/update/",
    status_ids="campaign_ids",
    id_filter="campaign_ids",
    page_size=1000,
)
ADGROUP = KindSpec(
    kind="adgroup",
    id_field="adgroup_id",
    name_field="adgroup_name",
    parent_field="campaign_id",
    get="smart_plus/adgroup/get/",
    create="smart_plus/adgroup/create/",
    update="smart_plus/adgroup/update/",
    status="smart_plus/adgroup/status/update/",
    status_ids="adgroup_ids",
    id_filter="adgroup_ids",
    page_size=1000,
)
AD = KindSpec(
    kind="ad",
    id_field="smart_plus_ad_id",
    name_field="ad_name",
    parent_field="adgroup_id",
    get="smart_plus/ad/get/",
    create="smart_plus/ad/create/",
    update="smart_plus/ad/update/",
    status="smart_plus/ad/status/update/",
    status_ids="smart_plus_ad_ids",
    id_filter="smart_plus_ad_ids",
    page_size=100,
)

SPECS: dict[Kind, KindSpec] = {"campaign": CAMPAIGN, "adgroup": ADGROUP, "ad": AD}

# The id filter of TikTok's get endpoints takes at most 100 ids; status endpoints at most 20.
ID_FILTER_MAX = 100
STATUS_BATCH = 20


def spec(kind: Kind) -> KindSpec:
    return SPECS[kind]
