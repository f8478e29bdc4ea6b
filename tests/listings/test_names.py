"""Alias extraction, look-alike letters, morphology and transliteration keys."""

from __future__ import annotations

from bot.listings import names as nm


def test_aliases_from_quotes_parentheses_and_country() -> None:
    aliases = nm.extract_aliases(
        "Greenpeace International (Stichting Greenpeace Council) («Гринпис Интернешнл», "
        "«Фонд Гринпис Совет», «ГРИНПИС») (Нидерланды)")
    assert "Greenpeace International" in aliases
    assert "ГРИНПИС" in aliases
    assert not any("Нидерланды" in a for a in aliases)


def test_unbalanced_quotes_and_preamble() -> None:
    aliases = nm.extract_aliases(
        "Межрегиональная общественная организация «Информационно-просветительский центр "
        "«Мемориал»")
    assert "Информационно-просветительский центр Мемориал" in aliases
    assert "Мемориал" in aliases


def test_pseudonym_with_nested_brackets() -> None:
    aliases = nm.extract_aliases("Федоров Мирон Янович (псевдоним - Oxxxymiron (Оксимирон)",
                                 kind="person")
    assert {"Oxxxymiron", "Оксимирон"} <= set(aliases)


def test_slash_halves_and_legal_only_parts_dropped() -> None:
    aliases = nm.extract_aliases(
        "Юридическое лицо, зарегистрированное в Латвийской Республике, SIA «Medusa Project» "
        "(регистрационный номер 40103797863, дата регистрации 10.06.2014)")
    assert aliases == ["Medusa Project"]
    halves = nm.extract_aliases("Radio Free Europe/Radio Liberty (RFE/RL) (США)")
    assert "Radio Liberty" in halves


def test_mixed_script_word_follows_the_rest_of_the_text() -> None:
    # "MС" has a Latin M and a Cyrillic С: a tie the surrounding Latin word settles.
    assert nm.norm("Noize MС") == "noize mc"
    assert nm.norm("Transparеncy International") == "transparency international"
    assert nm.homoglyph_twin("РСЕ/РС") == "PCE/PC"


def test_morph_keys_meet_inflected_forms() -> None:
    assert nm.morph_keys("ходорковского") & nm.morph_keys("ходорковский")
    assert nm.morph_keys("дудя") & nm.morph_keys("дудь")
    assert nm.morph_keys("каспаровым") & nm.morph_keys("каспаров")
    assert not nm.morph_keys("лев") & nm.morph_keys("левада")


def test_transliteration_keys_join_schemes() -> None:
    assert nm.latin_keys("khodorkovsky") & nm.latin_keys("ходорковский")
    assert nm.latin_keys("chodorkowski") & nm.latin_keys("ходорковский")
    assert nm.latin_keys("kseniya") & nm.latin_keys("ксения")
    assert nm.latin_keys("zygar") & nm.latin_keys("зыгарь")


def test_kind_guess() -> None:
    assert nm.guess_kind("Дудко Екатерина Артуровна") == "person"
    assert nm.guess_kind("«Голос Америки»") == "organisation"
    assert nm.guess_kind("Телеканал Настоящее Время") == "organisation"
    assert nm.guess_kind("Иванов Иван", inn="123456789012") == "person"


def test_query_variants_drop_leading_preposition() -> None:
    assert nm.query_variants("у Медузы")[0] == "Медузы"
    assert "Аналитический Центр Юрия Левады" in nm.query_variants(
        "АНО «Аналитический Центр Юрия Левады»")


def test_mixed_script_word_goes_where_its_letters_can() -> None:
    # Latin F has no Cyrillic twin, so "Fасе" is "Face" although most letters are Cyrillic.
    assert nm.norm("Fасе") == "face"
    assert nm.norm("Тhе Веll") == "the bell"
    assert nm.norm("DОХА") == "doxa"
    assert nm.norm("Aдагамов Рустем") == "адагамов рустем"


def test_a_quoted_pseudonym_list_gives_each_name() -> None:
    aliases = nm.extract_aliases('Губанов Алексей Александрович "JesusAVGN, Хесус"',
                                 kind="person")
    assert "JesusAVGN" in aliases and "Хесус" in aliases


def test_an_organisations_quoted_name_keeps_its_comma() -> None:
    aliases = nm.extract_aliases(
        "Американская некоммерческая корпорация Anti-Corruption Foundation, Inc (иные "
        "используемые наименования: ACF, ACF international, «Фонд борьбы с коррупцией, Инк.»)")
    assert "Фонд борьбы с коррупцией, Инк." in aliases and "ACF" in aliases
    assert "Фонд борьбы с коррупцией" not in aliases and "Инк." not in aliases
    # A registry's unbalanced quotes still end a name at the comma after the closing one.
    aliases = nm.extract_aliases(
        "Общественное объединение «Верховный Совет Татарской Автономной Советской "
        "Социалистической Республики» (иные наименования общественного объединения – "
        "«Верховный Совет ТАССР», Верховный Совет Татарской АССР/РСФСР/СССР»)")
    assert "Верховный Совет ТАССР" in aliases


def test_declined_latin_stage_name_meets_its_spelling() -> None:
    # "с Нойзом": the ending goes before romanising, so Noize is within a typo.
    assert "noiz" in nm.query_latin_keys("нойзом")
    assert "noiz" not in nm.latin_keys("нойзом")
