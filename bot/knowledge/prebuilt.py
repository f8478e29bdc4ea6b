"""The question index, built once per knowledge base and kept in the disk cache (bot.cache).

Building the index reads every YAML file and analyses every title, question and keyword
(morphology, word frequencies, typo folding): seconds, on every `riskguide ask`. It depends
only on the knowledge files and on the code that builds it, so it is cached under the hash of
both; an edited entry or a changed matcher builds afresh, and a base with problems is never
cached (loading it raises KnowledgeError, as before).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot import cache
from bot.paths import knowledge_dir

if TYPE_CHECKING:
    from bot.knowledge.index import QuestionIndex

_CODE = Path(__file__).resolve().parent  # bot/knowledge: the loader, analyser and index


def index_key(directory: Path) -> str:
    """Return the cache key of the index over the knowledge files in `directory`.

    It covers each file's name and bytes and the source of the modules that parse the files
    and build the index (bot/knowledge/*.py, the ranker's weights, bot/textnorm.py), so a
    working copy whose matcher changed never reads an index built by the old one.
    """
    parts: list[bytes | str] = []
    for path in sorted(directory.glob("*.yaml")):
        parts += [path.name, path.read_bytes()]
    for path in [*sorted(_CODE.glob("*.py")), _CODE.parent / "textnorm.py"]:
        parts += [path.name, path.read_bytes()]
    # The learned ranker's shipped weights (see ranker) are part of the matcher too.
    for path in sorted(_CODE.glob("*.npz")):
        parts += [path.name, path.read_bytes()]
    return cache.content_key(*parts)


def build_index(directory: Path | None = None) -> QuestionIndex:
    """Return a freshly built index over the validated knowledge base in `directory`;
    raises KnowledgeError on a broken base."""
    from bot.knowledge.index import QuestionIndex
    from bot.knowledge.loader import load

    return QuestionIndex(load(directory))


def load_index(directory: Path | None = None) -> QuestionIndex:
    """Return the question index over `directory` (default: the bundled base), from the cache
    when this base and this code built one before; its `kb` is the knowledge base.

    Raises KnowledgeError on a broken base.
    """
    directory = directory or knowledge_dir()
    return cache.load_or_build("questions", index_key(directory),
                               lambda: build_index(directory))
