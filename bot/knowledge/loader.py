"""Load and validate the knowledge-base YAML files, reporting problems as file:line: field."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.i18n import LANGUAGES
from bot.knowledge.model import SEVERITIES, TOPICS, Entry, KnowledgeBase, Source, SynonymGroup
from bot.paths import knowledge_dir

MAX_ANSWER_CHARS = 1200
# An entry whose facts were last checked longer ago than this is flagged: the law changes often.
STALE_AFTER_DAYS = 180
MIN_QUESTIONS = 5
_ID = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
# The domain thesaurus lives with the entries but holds no entries (see load_synonyms).
SYNONYMS_FILE = "synonyms.yaml"
MIN_GROUP_MEMBERS = 2


@dataclass(frozen=True)
class Problem:
    """One validation error at a place in a knowledge file."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge base cannot be used; `problems` says exactly where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class _LineDict(dict[str, Any]):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    lines: dict[str, int]


# Knowledge entries are a few levels deep (file > entries > entry > field > language).
MAX_YAML_DEPTH = 20


class _LineConstructor(yaml.constructor.SafeConstructor):
    """Builds mappings that remember their own line and each key's (for file:line problems)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = _LineDict(super().construct_mapping(node, deep=deep))  # type: ignore[arg-type]
        mapping.line = node.start_mark.line + 1
        mapping.lines = {
            str(key.value): key.start_mark.line + 1
            for key, _ in node.value
            if hasattr(key, "value")
        }
        return mapping


def _construct_map(loader: Any, node: yaml.MappingNode) -> dict[Any, Any]:
    # SafeLoader's own map constructor copies into a plain dict and would lose the lines.
    return loader.construct_mapping(node, deep=True)


def _refused(event: yaml.Event, depth: int) -> yaml.composer.ComposerError | None:
    """Return the error for a node event a knowledge file may not have, else None.

    Anchors and aliases are refused outright: an alias bomb ("billion laughs") expands a few
    lines into gigabytes, and no entry needs to repeat another's text by reference. Nesting
    is bounded so a deep file is a problem with a line number, not a RecursionError.
    """
    mark: Any = event.start_mark  # libyaml's marks are its own type, with the same fields
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        return yaml.composer.ComposerError(
            None, None, "anchors and aliases (&name, *name) are not allowed here; "
            "write the text out", mark)
    if depth >= MAX_YAML_DEPTH:
        return yaml.composer.ComposerError(
            None, None, f"nested more than {MAX_YAML_DEPTH} levels deep", mark)
    return None


class _LineLoader(yaml.SafeLoader, _LineConstructor):
    """The pure-Python loader (where PyYAML has no libyaml): SafeLoader keeping line numbers
    and refusing, while composing, what _refused refuses."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        error = _refused(self.peek_event(), self._depth)
        if error is not None:
            raise error
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)

# libyaml's C parser reads the knowledge base about ten times faster than the pure-Python one.
# It composes in C, so what _LineLoader refuses while composing is refused by a first pass
# over the parse events (also in C) instead.
_CSafeLoader: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)
_CLineLoader: type[Any] | None = None
if _CSafeLoader is not None:
    class _CLineLoaderImpl(_CSafeLoader, _LineConstructor):  # type: ignore[misc,valid-type]
        """libyaml's SafeLoader keeping line numbers."""

    _CLineLoaderImpl.add_constructor("tag:yaml.org,2002:map", _construct_map)
    _CLineLoader = _CLineLoaderImpl


def _load_yaml(text: str) -> Any:
    """Return the document in text with line-remembering mappings; raises yaml.YAMLError for
    bad YAML, anchors, aliases and deep nesting.

    A file libyaml finds fault with is read again by the pure-Python loader, so a problem is
    worded the same whichever parser is installed (libyaml words syntax errors its own way).
    """
    if _CLineLoader is None or _CSafeLoader is None:
        return yaml.load(text, Loader=_LineLoader)
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_CSafeLoader):
            if isinstance(event, yaml.NodeEvent):
                error = _refused(event, depth)
                if error is not None:
                    raise error
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.load(text, Loader=_CLineLoader)
    except yaml.YAMLError:
        return yaml.load(text, Loader=_LineLoader)


def _key_line(obj: object, key: str) -> int:
    """Return the line of key inside a mapping, or 0 when the key is absent."""
    return obj.lines.get(key, 0) if isinstance(obj, _LineDict) else 0


def _line(obj: object, key: str | None = None) -> int:
    if isinstance(obj, _LineDict):
        return obj.lines.get(key, obj.line) if key else obj.line
    return 0


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line: int, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, field, message))

    def bilingual_text(self, raw: _LineDict, field: str, entry_line: int) -> dict[str, str]:
        value = raw.get(field)
        line = _line(raw, field) or entry_line
        if not isinstance(value, dict):
            self.add(line, field, "must be a mapping with 'ru' and 'en' texts")
            return {}
        out: dict[str, str] = {}
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.add(_key_line(value, lang) or line, f"{field}.{lang}", "missing or empty")
            else:
                out[lang] = text.strip()
        for extra in set(value) - set(LANGUAGES):
            self.add(_line(value, extra), f"{field}.{extra}", "unknown language (use ru and en)")
        return out

    def bilingual_list(
        self, raw: _LineDict, field: str, entry_line: int, minimum: int
    ) -> dict[str, tuple[str, ...]]:
        value = raw.get(field)
        line = _line(raw, field) or entry_line
        if value is None and minimum == 0:
            return {lang: () for lang in LANGUAGES}
        if not isinstance(value, dict):
            self.add(line, field, "must be a mapping with 'ru' and 'en' lists")
            return {}
        out: dict[str, tuple[str, ...]] = {}
        for lang in LANGUAGES:
            items = value.get(lang, [] if minimum == 0 else None)
            where = _key_line(value, lang) or line
            if not isinstance(items, list) or not all(
                isinstance(i, str) and i.strip() for i in items
            ):
                self.add(where, f"{field}.{lang}", "must be a list of non-empty strings")
                continue
            if len(items) < minimum:
                self.add(where, f"{field}.{lang}", f"needs at least {minimum}, has {len(items)}")
            out[lang] = tuple(i.strip() for i in items)
        return out


def _parse_entry(raw: object, checker: _Checker, index: int) -> Entry | None:
    if not isinstance(raw, _LineDict):
        checker.add(0, f"entries[{index}]", "must be a mapping")
        return None
    line = raw.line
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        checker.add(_line(raw, "id"), "id", "missing, or not a snake_case identifier")
        entry_id = f"<entry {index}>"
    topic = raw.get("topic")
    if topic not in TOPICS:
        checker.add(_line(raw, "topic"), "topic", f"must be one of {', '.join(TOPICS)}")
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        checker.add(_line(raw, "severity"), "severity", f"must be one of {', '.join(SEVERITIES)}")
    title = checker.bilingual_text(raw, "title", line)
    answer = checker.bilingual_text(raw, "answer", line)
    for lang, text in answer.items():
        if len(text) > MAX_ANSWER_CHARS:
            checker.add(
                _line(raw, "answer"), f"answer.{lang}",
                f"{len(text)} characters, at most {MAX_ANSWER_CHARS}: "
                "move detail to a related entry",
            )
    questions = checker.bilingual_list(raw, "questions", line, MIN_QUESTIONS)
    keywords = checker.bilingual_list(raw, "keywords", line, 0)
    sources: list[Source] = []
    raw_sources = raw.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        checker.add(_line(raw, "sources") or line, "sources", "at least one source is required")
    else:
        for i, src in enumerate(raw_sources):
            where = _line(src) or _line(raw, "sources")
            if not isinstance(src, dict) or not isinstance(src.get("title"), str):
                checker.add(where, f"sources[{i}].title", "missing")
                continue
            url = src.get("url")
            if not isinstance(url, str) or not _URL.match(url):
                checker.add(where, f"sources[{i}].url", "missing or not an http(s) URL")
                continue
            sources.append(Source(src["title"].strip(), url))
    reviewed = raw.get("reviewed")
    if isinstance(reviewed, str):
        try:
            reviewed = dt.date.fromisoformat(reviewed)
        except ValueError:
            reviewed = None
    if not isinstance(reviewed, dt.date):
        checker.add(_line(raw, "reviewed") or line, "reviewed", "must be a date YYYY-MM-DD")
        reviewed = dt.date.min
    related = raw.get("related", [])
    if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
        checker.add(_line(raw, "related"), "related", "must be a list of entry ids")
        related = []
    for key in set(raw) - {
        "id", "topic", "severity", "title", "answer", "questions", "keywords", "sources",
        "reviewed", "related",
    }:
        checker.add(_line(raw, key), key, "unknown field")
    return Entry(
        id=entry_id,
        topic=str(topic),
        severity=str(severity),
        title=title,
        answer=answer,
        questions=questions,
        keywords=keywords,
        sources=tuple(sources),
        reviewed=reviewed,
        related=tuple(related),
        file=checker.file,
        line=line,
    )


def load_file(path: Path, label: str | None = None) -> tuple[list[Entry], list[Problem]]:
    """Return the entries of one YAML file and the problems found in it (never raises)."""
    checker = _Checker(label or path.name)
    try:
        data = _load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        checker.add(line, "yaml", str(getattr(exc, "problem", None) or exc))
        return [], checker.problems
    except (OSError, UnicodeDecodeError) as exc:
        checker.add(0, "file", f"cannot be read: {exc}")
        return [], checker.problems
    except RecursionError:  # a construct deeper than the composer's bound; never expected
        checker.add(0, "yaml", "nested too deeply")
        return [], checker.problems
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        checker.add(_line(data), "entries", "the file must have a top-level 'entries' list")
        return [], checker.problems
    entries = [
        e
        for i, raw in enumerate(data["entries"])
        if (e := _parse_entry(raw, checker, i)) is not None
    ]
    return entries, checker.problems


def _member_key(text: str) -> str:
    """Return how a thesaurus member is compared with the others (case, ё and brackets aside)."""
    return " ".join(text.lower().replace("ё", "е").replace("[", "").replace("]", "").split())


def _synonym_groups(root: yaml.Node, checker: _Checker) -> list[SynonymGroup]:
    """Return the thesaurus groups of a composed synonyms file, reporting what is wrong."""
    if not isinstance(root, yaml.MappingNode):
        checker.add(root.start_mark.line + 1, "groups", "the file must have a top-level "
                    "'groups' mapping")
        return []
    groups_node: yaml.Node | None = None
    for key, value in root.value:
        if key.value == "groups":
            groups_node = value
        else:
            checker.add(key.start_mark.line + 1, str(key.value), "unknown key (only 'groups')")
    if not isinstance(groups_node, yaml.MappingNode) or not groups_node.value:
        checker.add(root.start_mark.line + 1, "groups", "must be a mapping of concept names "
                    "to their 'ru' and 'en' members")
        return []
    groups: list[SynonymGroup] = []
    seen: dict[tuple[str, str], tuple[str, int]] = {}  # (lang, member) -> (group, line)
    for name_node, body in groups_node.value:
        name, line = str(name_node.value), name_node.start_mark.line + 1
        if not _ID.match(name):
            checker.add(line, name, "a group's name must be a snake_case identifier")
        if not isinstance(body, yaml.MappingNode) or not body.value:
            checker.add(line, name, "empty group: give 'ru' and/or 'en' lists of members")
            continue
        members: dict[str, tuple[str, ...]] = {}
        lines: dict[str, tuple[int, ...]] = {}
        for lang_node, items in body.value:
            lang, where = str(lang_node.value), lang_node.start_mark.line + 1
            field = f"{name}.{lang}"
            if lang not in LANGUAGES:
                checker.add(where, field, "unknown key (use ru and en)")
                continue
            if not isinstance(items, yaml.SequenceNode) or not all(
                    isinstance(i, yaml.ScalarNode) and str(i.value).strip() for i in items.value):
                checker.add(where, field, "must be a list of non-empty words or phrases")
                continue
            if len(items.value) < MIN_GROUP_MEMBERS:
                checker.add(where, field, f"empty group: needs at least {MIN_GROUP_MEMBERS} "
                            f"members, has {len(items.value)}")
                continue
            texts = tuple(" ".join(str(i.value).split()) for i in items.value)
            at = tuple(i.start_mark.line + 1 for i in items.value)
            for text, item_line in zip(texts, at, strict=True):
                if text.count("[") != text.count("]"):
                    checker.add(item_line, field, f"{text!r}: unbalanced [brackets]")
                first = seen.setdefault((lang, _member_key(text)), (name, item_line))
                if first != (name, item_line):
                    where_first = f"group {first[0]}" if first[0] != name else "this group"
                    checker.add(item_line, field, f"{text!r} is already in {where_first} "
                                f"(line {first[1]}): a word belongs to one group")
            members[lang], lines[lang] = texts, at
        if members:
            groups.append(SynonymGroup(name, members, line, lines))
    return groups


def load_synonyms(path: Path, label: str | None = None) -> tuple[list[SynonymGroup],
                                                                  list[Problem]]:
    """Return the domain thesaurus in `path` and the problems found in it (never raises).

    Besides the file's own shape (unknown keys, groups with fewer than two members, a word in
    two groups), every member is read as the matcher reads it (see bot.knowledge.thesaurus):
    two spellings of one word in two groups, or a phrase of function words only, are errors.
    """
    checker = _Checker(label or path.name)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        checker.add(mark.line + 1 if mark is not None else 0, "yaml",
                    str(getattr(exc, "problem", None) or exc))
        return [], checker.problems
    except (OSError, UnicodeDecodeError) as exc:
        checker.add(0, "file", f"cannot be read: {exc}")
        return [], checker.problems
    if root is None:
        checker.add(0, "groups", "the file must have a top-level 'groups' mapping")
        return [], checker.problems
    groups = _synonym_groups(root, checker)
    if groups and not checker.problems:
        from bot.knowledge.analyze import shared_analyzer
        from bot.knowledge.thesaurus import Thesaurus

        for line, message in Thesaurus(tuple(groups), shared_analyzer()).problems:
            checker.add(line, "groups", message)
    return groups, checker.problems


def validate(directory: Path | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Return the knowledge base in `directory` and every problem found across its files.

    Cross-file checks (unique ids, resolvable `related`) happen here, so a problem in one file
    is reported with the place that causes it.
    """
    directory = directory or knowledge_dir()
    entries: list[Entry] = []
    problems: list[Problem] = []
    files = sorted(p for p in directory.glob("*.yaml") if p.name != SYNONYMS_FILE)
    if not files:
        problems.append(Problem(str(directory), 0, "files", "no knowledge files (*.yaml) found"))
    synonyms: list[SynonymGroup] = []
    if (directory / SYNONYMS_FILE).exists():
        synonyms, synonym_problems = load_synonyms(directory / SYNONYMS_FILE)
        problems.extend(synonym_problems)
    for path in files:
        file_entries, file_problems = load_file(path)
        entries.extend(file_entries)
        problems.extend(file_problems)
    seen: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in seen:
            first = seen[entry.id]
            problems.append(
                Problem(entry.file, entry.line, "id",
                        f"duplicate id {entry.id!r} (first at {first.file}:{first.line})")
            )
        else:
            seen[entry.id] = entry
    for entry in entries:
        for rel in entry.related:
            if rel not in seen:
                problems.append(Problem(entry.file, entry.line, "related",
                                        f"unknown entry id {rel!r}"))
            elif rel == entry.id:
                problems.append(Problem(entry.file, entry.line, "related", "refers to itself"))
    return KnowledgeBase(tuple(seen.values()), tuple(synonyms)), problems


def stale_entries(kb: KnowledgeBase, today: dt.date | None = None) -> list[Problem]:
    """Return a warning for every entry not checked against its sources for STALE_AFTER_DAYS.

    Answers tell users the date their facts hold for; a stale date is not an error (the base
    still loads) but a reminder that the entry is due for a review.
    """
    today = today or dt.date.today()
    return [
        Problem(e.file, e.line, "reviewed",
                f"last checked {e.reviewed.isoformat()}, {(today - e.reviewed).days} days ago "
                f"(more than {STALE_AFTER_DAYS}): check the facts against the sources again")
        for e in kb.entries
        if (today - e.reviewed).days > STALE_AFTER_DAYS
    ]


def load(directory: Path | None = None) -> KnowledgeBase:
    """Return the validated knowledge base, or raise KnowledgeError listing every problem."""
    kb, problems = validate(directory)
    if problems:
        raise KnowledgeError(problems)
    return kb
