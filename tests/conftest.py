"""Shared fixtures: the repo root, the shared material beside it, the loaded knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.index import QuestionIndex
from bot.knowledge.loader import load
from bot.knowledge.model import KnowledgeBase
from handlers.context import Services

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The bundled knowledge base, loaded once."""
    return load()


@pytest.fixture(scope="session")
def question_index(kb: KnowledgeBase) -> QuestionIndex:
    """The question index over the bundled knowledge base, built once."""
    return QuestionIndex(kb)


@pytest.fixture
def services(kb: KnowledgeBase, question_index: QuestionIndex) -> Services:
    """Fresh conversation services (memory preferences, new rate limiter), no registry data."""
    return Services(kb=kb, questions=question_index)
