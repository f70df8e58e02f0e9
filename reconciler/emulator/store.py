"""SQLite state of the emulator: advertisers, tokens, assets, Smart+ objects, spend and the clock.

Does I/O (SQLite). One connection guarded by a lock (`check_same_thread=False`), so the same store
serves uvicorn's event loop and in-process tests in other threads. Objects are kept as JSON documents
with the columns that filters and paging need beside them, so list reads page in SQL.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .wire import JSON, TIME_FMT

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS advertisers (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, advertiser_ids TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS token_scopes (token TEXT PRIMARY KEY, scopes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS assets (
    kind TEXT NOT NULL, id TEXT NOT NULL, advertiser_id TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    advertiser_id TEXT NOT NULL,
    campaign_id TEXT,
    adgroup_id TEXT,
    operation_status TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    self_deleted INTEGER NOT NULL DEFAULT 0,
    create_time TEXT NOT NULL,
    modify_time TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS objects_adv ON objects (kind, advertiser_id, deleted, id);
CREATE INDEX IF NOT EXISTS objects_campaign ON objects (kind, campaign_id);
CREATE INDEX IF NOT EXISTS objects_adgroup ON objects (kind, adgroup_id);
CREATE TABLE IF NOT EXISTS request_ids (
    advertiser_id TEXT NOT NULL, kind TEXT NOT NULL, request_id TEXT NOT NULL, object_id TEXT NOT NULL,
    PRIMARY KEY (advertiser_id, kind, request_id)
);
CREATE TABLE IF NOT EXISTS spend (
    kind TEXT NOT NULL, id TEXT NOT NULL, day TEXT NOT NULL, amount REAL NOT NULL,
    PRIMARY KEY (kind, id, day)
);
"""

# First ids handed out per kind: numeric strings of 19 digits, as TikTok's ids are 16-19 digits.
ID_BASE = {
    "campaign": 1_800_000_000_000_000_000,
    "adgroup": 1_810_000_000_000_000_000,
    "ad": 1_820_000_000_000_000_000,
    "material": 1_830_000_000_000_000_000,
    "legacy_campaign": 1_790_000_000_000_000_000,
    "portfolio": 1_840_000_000_000_000_000,
}

# Asset kinds of the `assets` table that the creative rules and the supporting endpoints share.
PORTFOLIO = "cta_portfolio"
TIKTOK_POST = "tiktok_post"

_COLUMNS = (
    "kind, id, advertiser_id, campaign_id, adgroup_id, operation_status, deleted, self_deleted,"
    " create_time, modify_time, data"
)


_TIME_CLAUSES = {
    "modified_after": "modify_time > ?",
    "created_from": "create_time >= ?",
    "created_to": "create_time <= ?",
}


@dataclass
class Row:
    kind: str
    id: str
    advertiser_id: str
    campaign_id: str | None
    adgroup_id: str | None
    operation_status: str
    deleted: bool
    self_deleted: bool
    create_time: str
    modify_time: str
    data: JSON


def _row(values: Sequence[Any]) -> Row:
    return Row(
        kind=values[0],
        id=values[1],
        advertiser_id=values[2],
        campaign_id=values[3],
        adgroup_id=values[4],
        operation_status=values[5],
        deleted=bool(values[6]),
        self_deleted=bool(values[7]),
        create_time=values[8],
        modify_time=values[9],
        data=json.loads(values[10]),
    )


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.lock = threading.RLock()
        if path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)

    # ------------------------------------------------------------------ basics
    def close(self) -> None:
        with self.lock:
            self.conn.close()

    def is_empty(self) -> bool:
        with self.lock:
            return int(self.conn.execute("SELECT COUNT(*) FROM advertisers").fetchone()[0]) == 0

    def wipe(self) -> None:
        with self.lock:
            for table in (
                "meta",
                "advertisers",
                "tokens",
                "token_scopes",
                "assets",
                "objects",
                "request_ids",
                "spend",
            ):
                self.conn.execute(f"DELETE FROM {table}")

    def transaction(self) -> _Tx:
        return _Tx(self)

    def meta_get(self, key: str) -> str | None:
        with self.lock:
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return None if row is None else str(row[0])

    def meta_set(self, key: str, value: str | None) -> None:
        with self.lock:
            if value is None:
                self.conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                self.conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    # ------------------------------------------------------------------ clock
    def now(self) -> dt.datetime:
        """The emulator's clock (naive UTC): fixed when set, else real UTC time plus any offset."""
        fixed = self.meta_get("clock_fixed")
        if fixed is not None:
            return dt.datetime.strptime(fixed, TIME_FMT)
        offset = float(self.meta_get("clock_offset_s") or 0.0)
        real = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        return real + dt.timedelta(seconds=offset)

    def set_clock(self, now: str) -> None:
        dt.datetime.strptime(now, TIME_FMT)  # ValueError on a bad value
        self.meta_set("clock_fixed", now)

    def advance_days(self, days: float) -> None:
        with self.lock:
            fixed = self.meta_get("clock_fixed")
            if fixed is not None:
                moment = dt.datetime.strptime(fixed, TIME_FMT) + dt.timedelta(days=days)
                self.meta_set("clock_fixed", moment.strftime(TIME_FMT))
            else:
                offset = float(self.meta_get("clock_offset_s") or 0.0) + days * 86400
                self.meta_set("clock_offset_s", repr(offset))

    def now_str(self) -> str:
        return self.now().strftime(TIME_FMT)

    # ------------------------------------------------------------------ ids
    def next_ids(self, kind: str, count: int = 1) -> list[str]:
        with self.lock:
            key = f"next_id_{kind}"
            current = int(self.meta_get(key) or ID_BASE[kind] + 1)
            self.meta_set(key, str(current + count))
            return [str(current + i) for i in range(count)]

    def next_id(self, kind: str) -> str:
        return self.next_ids(kind, 1)[0]

    # ------------------------------------------------------------------ accounts and assets
    def put_advertiser(self, advertiser: JSON) -> None:
        with self.lock:
            self.conn.execute(
                "INSERT OR REPLACE INTO advertisers (id, data) VALUES (?, ?)",
                (advertiser["advertiser_id"], json.dumps(advertiser)),
            )

    def advertiser(self, advertiser_id: str) -> JSON | None:
        with self.lock:
            row = self.conn.execute("SELECT data FROM advertisers WHERE id = ?", (advertiser_id,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def put_token(self, token: str, advertiser_ids: list[str]) -> None:
        with self.lock:
            self.conn.execute(
                "INSERT OR REPLACE INTO tokens (token, advertiser_ids) VALUES (?, ?)",
                (token, json.dumps(advertiser_ids)),
            )

    def token_advertisers(self, token: str) -> list[str] | None:
        with self.lock:
            row = self.conn.execute("SELECT advertiser_ids FROM tokens WHERE token = ?", (token,)).fetchone()
        return None if row is None else [str(a) for a in json.loads(row[0])]

    def put_token_scopes(self, token: str, scopes: list[str] | None) -> None:
        """Restrict a token to some app permissions (None: all of them, the default)."""
        with self.lock:
            if scopes is None:
                self.conn.execute("DELETE FROM token_scopes WHERE token = ?", (token,))
            else:
                self.conn.execute(
                    "INSERT OR REPLACE INTO token_scopes (token, scopes) VALUES (?, ?)",
                    (token, json.dumps(scopes)),
                )

    def token_scopes(self, token: str) -> list[str] | None:
        with self.lock:
            row = self.conn.execute("SELECT scopes FROM token_scopes WHERE token = ?", (token,)).fetchone()
        return None if row is None else [str(s) for s in json.loads(row[0])]

    def put_assets(self, kind: str, advertiser_id: str, items: Iterable[tuple[str, JSON]]) -> None:
        with self.lock:
            self.conn.executemany(
                "INSERT OR REPLACE INTO assets (kind, id, advertiser_id, data) VALUES (?, ?, ?, ?)",
                [(kind, asset_id, advertiser_id, json.dumps(data)) for asset_id, data in items],
            )

    def asset(self, kind: str, asset_id: str, advertiser_id: str) -> JSON | None:
        with self.lock:
            row = self.conn.execute(
                "SELECT data FROM assets WHERE kind = ? AND id = ? AND advertiser_id = ?",
                (kind, asset_id, advertiser_id),
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    # ------------------------------------------------------------------ CTA portfolios and TikTok posts
    # Both live in the `assets` table, so the ad rules (smart_plus.py) and the supporting endpoints
    # (`/creative/portfolio/*`, `/identity/video/get/`) read and write the same rows through these calls.
    #
    # A CTA portfolio (kind "cta_portfolio", id = `creative_portfolio_id`) is stored as
    #   {"creative_portfolio_id": str, "creative_portfolio_type": "CTA",
    #    "portfolio_content": [{"asset_content": str, "asset_ids": [str, ...]}, ...], "create_time": str}
    # and is what `ad_configuration.call_to_action_id` must name. New ids: `next_id("portfolio")`.
    #
    # A TikTok post (kind "tiktok_post", id = `item_id`, the `tiktok_item_id` of Spark Pull) is stored as
    #   {"item_id": str, "identity_id": str, "identity_type": str, "item_type": "VIDEO" | "CAROUSEL",
    #    "text": str, "video_info": {...}, "create_time": str}
    # and belongs to exactly one identity.

    def put_portfolio(self, advertiser_id: str, portfolio: JSON) -> None:
        self.put_assets(PORTFOLIO, advertiser_id, [(str(portfolio["creative_portfolio_id"]), portfolio)])

    def portfolio(self, advertiser_id: str, portfolio_id: str) -> JSON | None:
        return self.asset(PORTFOLIO, portfolio_id, advertiser_id)

    def portfolios(self, advertiser_id: str) -> list[JSON]:
        return self.assets(PORTFOLIO, advertiser_id)

    def put_tiktok_posts(self, advertiser_id: str, posts: Iterable[JSON]) -> None:
        self.put_assets(TIKTOK_POST, advertiser_id, [(str(p["item_id"]), p) for p in posts])

    def tiktok_post(self, advertiser_id: str, item_id: str) -> JSON | None:
        return self.asset(TIKTOK_POST, item_id, advertiser_id)

    def tiktok_posts(self, advertiser_id: str, identity_id: str) -> list[JSON]:
        """The posts of one identity, by item id."""
        return [p for p in self.assets(TIKTOK_POST, advertiser_id) if p.get("identity_id") == identity_id]

    def assets(self, kind: str, advertiser_id: str) -> list[JSON]:
        with self.lock:
            rows = self.conn.execute(
                "SELECT data FROM assets WHERE kind = ? AND advertiser_id = ? ORDER BY id",
                (kind, advertiser_id),
            ).fetchall()
        return [dict(json.loads(r[0])) for r in rows]

    # ------------------------------------------------------------------ objects
    def insert_objects(self, rows: Sequence[Row]) -> None:
        with self.lock:
            self.conn.executemany(
                f"INSERT INTO objects ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.kind,
                        r.id,
                        r.advertiser_id,
                        r.campaign_id,
                        r.adgroup_id,
                        r.operation_status,
                        int(r.deleted),
                        int(r.self_deleted),
                        r.create_time,
                        r.modify_time,
                        json.dumps(r.data),
                    )
                    for r in rows
                ],
            )

    def save(self, row: Row) -> None:
        with self.lock:
            self.conn.execute(
                "UPDATE objects SET operation_status = ?, deleted = ?, self_deleted = ?, modify_time = ?,"
                " data = ? WHERE kind = ? AND id = ?",
                (
                    row.operation_status,
                    int(row.deleted),
                    int(row.self_deleted),
                    row.modify_time,
                    json.dumps(row.data),
                    row.kind,
                    row.id,
                ),
            )

    def cascade_delete(self, kind: str, object_id: str) -> None:
        """Children of a deleted parent are deleted with it (their own operation_status is kept)."""
        with self.lock:
            if kind == "campaign":
                self.conn.execute(
                    "UPDATE objects SET deleted = 1 WHERE kind IN ('adgroup', 'ad') AND campaign_id = ?",
                    (object_id,),
                )
            elif kind == "adgroup":
                self.conn.execute(
                    "UPDATE objects SET deleted = 1 WHERE kind = 'ad' AND adgroup_id = ?", (object_id,)
                )

    def get(self, kind: str, object_id: str) -> Row | None:
        with self.lock:
            row = self.conn.execute(
                f"SELECT {_COLUMNS} FROM objects WHERE kind = ? AND id = ?", (kind, object_id)
            ).fetchone()
        return None if row is None else _row(row)

    def get_many(self, kind: str, ids: Iterable[str]) -> dict[str, Row]:
        id_list = list(dict.fromkeys(ids))
        out: dict[str, Row] = {}
        with self.lock:
            for start in range(0, len(id_list), 500):
                chunk = id_list[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for values in self.conn.execute(
                    f"SELECT {_COLUMNS} FROM objects WHERE kind = ? AND id IN ({marks})", (kind, *chunk)
                ):
                    row = _row(values)
                    out[row.id] = row
        return out

    def _where(
        self,
        kind: str,
        advertiser_id: str,
        ids: list[str] | None,
        campaign_ids: list[str] | None,
        adgroup_ids: list[str] | None,
        deleted: bool | None,
        times: dict[str, str] | None = None,
    ) -> tuple[str, list[Any]]:
        clauses = ["kind = ?", "advertiser_id = ?"]
        args: list[Any] = [kind, advertiser_id]
        for column, values in (("id", ids), ("campaign_id", campaign_ids), ("adgroup_id", adgroup_ids)):
            if values is not None:
                clauses.append(f"{column} IN ({','.join('?' * len(values))})")
                args.extend(values)
        if deleted is not None:
            clauses.append("deleted = ?")
            args.append(int(deleted))
        for key, value in (times or {}).items():
            clauses.append(_TIME_CLAUSES[key])
            args.append(value)
        return " AND ".join(clauses), args

    def count(
        self,
        kind: str,
        advertiser_id: str,
        *,
        ids: list[str] | None = None,
        campaign_ids: list[str] | None = None,
        adgroup_ids: list[str] | None = None,
        deleted: bool | None = None,
        times: dict[str, str] | None = None,
    ) -> int:
        where, args = self._where(kind, advertiser_id, ids, campaign_ids, adgroup_ids, deleted, times)
        with self.lock:
            return int(self.conn.execute(f"SELECT COUNT(*) FROM objects WHERE {where}", args).fetchone()[0])

    def select(
        self,
        kind: str,
        advertiser_id: str,
        *,
        ids: list[str] | None = None,
        campaign_ids: list[str] | None = None,
        adgroup_ids: list[str] | None = None,
        deleted: bool | None = None,
        times: dict[str, str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Row]:
        """Rows newest id first (TikTok documents `campaign_id` descending for /campaign/get/).

        `times` filters on `modified_after`, `created_from`, `created_to` ("YYYY-MM-DD HH:MM:SS")."""
        where, args = self._where(kind, advertiser_id, ids, campaign_ids, adgroup_ids, deleted, times)
        # Ids are generated with 19 digits, so text order is numeric order. The page is chosen on the
        # index first, so SQLite never sorts the JSON documents.
        inner = f"SELECT rowid FROM objects WHERE {where} ORDER BY id DESC"
        if limit is not None:
            inner += " LIMIT ? OFFSET ?"
            args.extend([limit, offset])
        sql = f"SELECT {_COLUMNS} FROM objects WHERE rowid IN ({inner}) ORDER BY id DESC"
        with self.lock:
            return [_row(values) for values in self.conn.execute(sql, args)]

    def live_children_counts(self, kind: str, parent_column: str, parent_ids: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        if not parent_ids:
            return out
        with self.lock:
            for start in range(0, len(parent_ids), 500):
                chunk = parent_ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for parent, n in self.conn.execute(
                    f"SELECT {parent_column}, COUNT(*) FROM objects WHERE kind = ? AND deleted = 0"
                    f" AND {parent_column} IN ({marks}) GROUP BY {parent_column}",
                    (kind, *chunk),
                ):
                    out[str(parent)] = int(n)
        return out

    # ------------------------------------------------------------------ idempotency
    def request_id_owner(self, advertiser_id: str, kind: str, request_id: str) -> str | None:
        with self.lock:
            row = self.conn.execute(
                "SELECT object_id FROM request_ids WHERE advertiser_id = ? AND kind = ? AND request_id = ?",
                (advertiser_id, kind, request_id),
            ).fetchone()
        return None if row is None else str(row[0])

    def remember_request_id(self, advertiser_id: str, kind: str, request_id: str, object_id: str) -> None:
        with self.lock:
            self.conn.execute(
                "INSERT INTO request_ids (advertiser_id, kind, request_id, object_id) VALUES (?, ?, ?, ?)",
                (advertiser_id, kind, request_id, object_id),
            )

    # ------------------------------------------------------------------ spend
    def set_spend(self, kind: str, object_id: str, day: str, amount: float) -> None:
        with self.lock:
            self.conn.execute(
                "INSERT INTO spend (kind, id, day, amount) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(kind, id, day) DO UPDATE SET amount = excluded.amount",
                (kind, object_id, day, amount),
            )

    def spend(self, kind: str, object_id: str, day: str) -> float | None:
        with self.lock:
            row = self.conn.execute(
                "SELECT amount FROM spend WHERE kind = ? AND id = ? AND day = ?", (kind, object_id, day)
            ).fetchone()
        return None if row is None else float(row[0])

    def campaign_spend(self, campaign_id: str, day: str) -> float:
        """A campaign's spend today: the value set on it, else the sum of its ad groups' values."""
        own = self.spend("campaign", campaign_id, day)
        if own is not None:
            return own
        with self.lock:
            row = self.conn.execute(
                "SELECT COALESCE(SUM(s.amount), 0) FROM spend s JOIN objects o"
                " ON o.kind = 'adgroup' AND o.id = s.id WHERE s.kind = 'adgroup' AND s.day = ?"
                " AND o.campaign_id = ?",
                (day, campaign_id),
            ).fetchone()
        return float(row[0])


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT under the store's lock, so a create is all or nothing."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Store:
        self.store.lock.acquire()
        self.store.conn.execute("BEGIN IMMEDIATE")
        return self.store

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            self.store.conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")
        finally:
            self.store.lock.release()
