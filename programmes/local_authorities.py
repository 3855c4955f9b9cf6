"""England's upper-tier local authorities as the application reads them: the LocalAuthority table.

The rows come from a migration and change only with one, so a process reads them once (the first
time there are any) and keeps them: a form, the directory's filter and each row of a bulk import
then look codes up without a query.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from providers.vocabulary import Region


@dataclass(frozen=True)
class Authority:
    code: str
    name: str
    region: str

    @property
    def region_label(self) -> str:
        return Region(self.region).label


_lock = threading.Lock()
_cached: tuple[Authority, ...] = ()


def all_authorities() -> tuple[Authority, ...]:
    """Every local authority, by region (in the register's region order) and then by name."""
    global _cached
    if _cached:
        return _cached
    from programmes.models import LocalAuthority

    order = {value: position for position, value in enumerate(Region.values)}
    rows = sorted(
        (
            Authority(code, name, region)
            for code, name, region in LocalAuthority.objects.values_list("code", "name", "region")
        ),
        key=lambda authority: (order.get(authority.region, len(order)), authority.name),
    )
    with _lock:
        _cached = tuple(rows)
    return _cached


def by_code() -> dict[str, Authority]:
    return {authority.code: authority for authority in all_authorities()}


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices grouped by region, as Django's optgroups: [(region label, [(code, name), …]), …]."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for authority in all_authorities():
        groups.setdefault(authority.region_label, []).append((authority.code, authority.name))
    return list(groups.items())


def named(codes) -> list[Authority]:
    """The authorities with these codes, in the list's order (unknown codes left out)."""
    known = by_code()
    return [
        known[code]
        for code in sorted(codes, key=lambda code: known[code].name if code in known else code)
        if code in known
    ]
