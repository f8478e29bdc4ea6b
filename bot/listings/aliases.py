"""The reviewed alias file: names people use for listed entries that the registries do not print.

`aliases.yaml` (shipped in the package) holds one alias per line with the entry it belongs to
and a source. An alias attaches to every entry whose published name, or one of the names packed
into it, equals the line's `name` once normalised: never by row id, so it survives renumbering
and another source's spelling of the same name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

import yaml

from bot import textnorm
from bot.listings import names as nm
from bot.listings.model import Entry

ALIAS_FILE = "aliases.yaml"


@dataclass(frozen=True)
class CuratedAlias:
    """One reviewed line: an alias, the name of the entry it belongs to, and its source."""

    alias: str
    name: str
    source: str
    registry: str = ""


class AliasBook:
    """Reviewed aliases keyed by the normalised name of the entry they belong to."""

    def __init__(self, aliases: Iterable[CuratedAlias]) -> None:
        """Index the lines by their target name (normalised like every name)."""
        self.aliases = tuple(aliases)
        self._by_name: dict[str, list[CuratedAlias]] = defaultdict(list)
        for line in self.aliases:
            self._by_name[nm.norm(line.name)].append(line)

    def __len__(self) -> int:
        """Return the number of reviewed alias lines."""
        return len(self.aliases)

    @cached_property
    def latin_words(self) -> frozenset[str]:
        """Return the folded Latin-letter words of the reviewed aliases ("meduza", "golos").

        A Latin word that reads as a Russian dictionary word is an everyday word typed in
        Latin letters ("vybory", «выборы»), unless it is how a listed organisation spells its
        own name in Latin letters: names.is_common_word asks this table.
        """
        return frozenset(t for line in self.aliases for t in nm.norm_tokens(line.alias)
                         if not textnorm.is_cyrillic(t))

    def lines_for(self, entry: Entry) -> list[CuratedAlias]:
        """Return the lines whose target is one of entry's names (published or packed)."""
        if not self._by_name:
            return []
        keys = {nm.norm(entry.name), nm.norm(nm.strip_legal_form(entry.name))}
        keys.update(nm.norm(a) for a in entry.aliases)
        found: list[CuratedAlias] = []
        for key in keys:
            for line in self._by_name.get(key, ()):
                if (not line.registry or line.registry == entry.registry) and line not in found:
                    found.append(line)
        return found

    def attach(self, entries: Sequence[Entry]) -> dict[int, list[str]]:
        """Return, per entry position, the reviewed aliases that belong to it.

        When a line's name is packed into several entries of one list («Исламское
        государство» is also part of a sub-unit's name), the entries whose published name
        begins with it keep the alias; if none does, all of them do.
        """
        targets: dict[tuple[CuratedAlias, str], list[int]] = defaultdict(list)
        for ei, entry in enumerate(entries):
            for line in self.lines_for(entry):
                targets[line, entry.registry].append(ei)
        out: dict[int, list[str]] = defaultdict(list)
        for (line, _), positions in targets.items():
            if len(positions) > 1:
                key = nm.norm(line.name)
                leading = [ei for ei in positions
                           if (nm.norm(nm.strip_legal_form(entries[ei].name)) + " ")
                           .startswith(key + " ")]
                positions = leading or positions
            for ei in positions:
                out[ei].append(line.alias)
        return {ei: nm.unique_by_norm(found, exclude=(entries[ei].name, *entries[ei].aliases))
                for ei, found in out.items()}


def parse_lines(data: Any) -> list[CuratedAlias]:
    """Return the lines of a parsed alias file; raise ValueError naming a malformed line."""
    if not isinstance(data, list):
        raise ValueError("the alias file is not a list of lines")
    out = []
    for n, row in enumerate(data, start=1):
        if not isinstance(row, dict):
            raise ValueError(f"line {n}: not a mapping")
        values = {k: str(row.get(k) or "").strip() for k in ("alias", "name", "source",
                                                               "registry")}
        for key in ("alias", "name", "source"):
            if not values[key]:
                raise ValueError(f"line {n}: no {key}")
        if not nm.norm_tokens(values["alias"]) or not nm.norm_tokens(values["name"]):
            raise ValueError(f"line {n}: alias or name has no letters")
        out.append(CuratedAlias(values["alias"], values["name"], values["source"],
                                values["registry"]))
    return out


@lru_cache(maxsize=1)
def packaged() -> AliasBook:
    """Return the alias book shipped in the package (read once per process)."""
    text = resources.files("bot.listings").joinpath(ALIAS_FILE).read_text(encoding="utf-8")
    return AliasBook(parse_lines(yaml.safe_load(text)))
