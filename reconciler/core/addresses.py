"""Address: the stable identity of a managed object, shared by every stage.

Pure. ``campaign["Spring Sale US"].adgroup["US broad 18+"].ad["UGC video 1"]``.
An address is built from names (the identity rule of spec 4.3), never from ids,
so that a plan made before a create can name the object it creates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

_quote = json.encoder.encode_basestring  # a JSON string literal, non-ASCII kept (C when there)

Kind = Literal["campaign", "adgroup", "ad"]
KINDS: tuple[Kind, ...] = ("campaign", "adgroup", "ad")


@dataclass(frozen=True, slots=True)
class Address:
    advertiser_id: str
    campaign: str
    adgroup: str | None = None
    ad: str | None = None

    # Ordering: a parent before its children, siblings by name. Written out because the
    # generated tuple order compares None with str (a campaign next to an ad group of
    # the same campaign) and raises TypeError.
    def sort_key(self) -> tuple[str, str, int, str, int, str]:
        return (
            self.advertiser_id,
            self.campaign,
            self.adgroup is not None,
            self.adgroup or "",
            self.ad is not None,
            self.ad or "",
        )

    def __lt__(self, other: Address) -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: Address) -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: Address) -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: Address) -> bool:
        return self.sort_key() >= other.sort_key()

    @property
    def kind(self) -> Kind:
        if self.ad is not None:
            return "ad"
        if self.adgroup is not None:
            return "adgroup"
        return "campaign"

    @property
    def depth(self) -> int:
        return KINDS.index(self.kind)

    def parent(self) -> Address | None:
        if self.ad is not None:
            return Address(self.advertiser_id, self.campaign, self.adgroup)
        if self.adgroup is not None:
            return Address(self.advertiser_id, self.campaign)
        return None

    def child(self, name: str) -> Address:
        if self.adgroup is None:
            return Address(self.advertiser_id, self.campaign, name)
        if self.ad is None:
            return Address(self.advertiser_id, self.campaign, self.adgroup, name)
        raise ValueError("an ad has no children")

    def campaign_address(self) -> Address:
        return Address(self.advertiser_id, self.campaign)

    def __str__(self) -> str:
        # _quote is json.dumps(name, ensure_ascii=False) without json.dumps's per-call set-up
        # (the address of every operation is written twice in a plan: 10,000 changes, 60,000 calls).
        s = f"campaign[{_quote(self.campaign)}]"
        if self.adgroup is not None:
            s += f".adgroup[{_quote(self.adgroup)}]"
        if self.ad is not None:
            s += f".ad[{_quote(self.ad)}]"
        return s

    def key(self) -> str:
        """Unique across advertisers: used in plan JSON and journals."""
        return f"{self.advertiser_id}/{self}"

    @classmethod
    def parse_key(cls, key: str) -> Address:
        advertiser_id, _, rest = key.partition("/")
        parts: list[str] = []
        decoder = json.JSONDecoder()
        i = 0
        for kind in KINDS:
            prefix = f"{kind}["
            if rest.startswith(prefix, i):
                name, end = decoder.raw_decode(rest, i + len(prefix))
                parts.append(name)
                i = end + 1  # the closing bracket
                if rest.startswith(".", i):
                    i += 1
        if not parts or i != len(rest):
            raise ValueError(f"not an address: {key!r}")
        return cls(advertiser_id, *parts)

    def matches(self, pattern: str) -> bool:
        """``--replace``/``--override`` target: the address text, or a prefix of it
        (a campaign address covers its ad groups and ads)."""
        text = str(self)
        return text == pattern or text.startswith(pattern + ".") or self.key() == pattern
