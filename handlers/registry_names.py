"""The words people use for each registry in commands ("/stats иноагенты", "/digest on fa")."""

from __future__ import annotations

from bot.listings.model import REGISTRIES

# Lower-case words per registry: the one to suggest in Russian first, in English second.
# Registries the data does not have yet (see REGISTRIES) are never returned, so their words
# cannot select nothing.
REGISTRY_WORDS: dict[str, tuple[str, ...]] = {
    "foreign_agents": ("иноагенты", "agents", "foreign_agents", "foreign-agents", "fa",
                       "иноагентов", "иноагент", "иа"),
    "undesirable": ("нежелательные", "undesirable", "нежелательных", "нежелательная",
                    "нежелательное"),
    "extremist": ("экстремистские", "extremist", "extremists", "extremism", "экстремистских",
                  "экстремисты", "экстремистов", "экстремизм", "экстремистская"),
    "terrorist": ("террористические", "terrorist", "terrorists", "terrorism",
                  "террористических", "террористы", "террористов", "терроризм",
                  "террористическая"),
}


def registry_named(word: str) -> str | None:
    """Return the registry a word names ("иноагенты" -> "foreign_agents"), or None.

    Only registries in REGISTRIES are returned: a list the bot has no data source for is
    unknown, not silently empty.
    """
    word = word.strip().lower()
    for registry, words in REGISTRY_WORDS.items():
        if registry in REGISTRIES and (word in words or word == registry):
            return registry
    return None


def word_for(registry: str, lang: str) -> str:
    """Return the word to suggest for a registry in a language (the registry id if none)."""
    words = REGISTRY_WORDS.get(registry, ())
    index = 0 if lang == "ru" else 1
    return words[index] if len(words) > index else registry
