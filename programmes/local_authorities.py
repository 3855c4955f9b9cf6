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
_grouped: list = []


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


_by_code: dict[str, Authority] = {}


def by_code() -> dict[str, Authority]:
    global _by_code
    if not (_by_code and _cached):
        _by_code = {authority.code: authority for authority in all_authorities()}
    return _by_code


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices grouped by region, as Django's optgroups: [(region label, [(code, name), …]), …]."""
    global _grouped
    if _grouped and _cached:
        return _grouped
    groups: dict[str, list[tuple[str, str]]] = {}
    for authority in all_authorities():
        groups.setdefault(authority.region_label, []).append((authority.code, authority.name))
    _grouped = list(groups.items())
    return _grouped


def named(codes) -> list[Authority]:
    """The authorities with these codes, in the list's order (unknown codes left out)."""
    known = by_code()
    return [
        known[code]
        for code in sorted(codes, key=lambda code: known[code].name if code in known else code)
        if code in known
    ]
