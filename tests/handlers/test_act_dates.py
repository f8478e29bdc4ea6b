"""The period a question dates its act to decides which of an organisation's lists applied."""

from __future__ import annotations

from datetime import date

from handlers.act_dates import Period, act_period, applied_in

TODAY = date(2026, 11, 26)


def test_years_and_dates_people_write_are_read_as_periods() -> None:
    assert act_period("я донатил ФБК в 2023, что мне будет", TODAY) == Period(
        date(2023, 1, 1), date(2023, 12, 31))
    assert act_period("донатил фбк до 2026", TODAY) == Period(date.min, date(2025, 12, 31))
    assert act_period("донатил ФБК с 2020 по 2023", TODAY) == Period(
        date(2020, 1, 1), date(2023, 12, 31))
    # "since 2020" runs to today: money may still be going out.
    assert act_period("donating to FBK since 2020", TODAY) == Period(date(2020, 1, 1), TODAY)
    assert act_period("перевёл деньги 01.03.2026", TODAY) == Period(
        date(2026, 3, 1), date(2026, 3, 1))
    # Article numbers, sums and undated questions date nothing.
    assert act_period("штраф по ст. 20.33 КоАП и ст. 330.1 УК", TODAY) is None
    assert act_period("можно ли донатить ФБК", TODAY) is None
    assert act_period("2023,5 тысячи рублей", TODAY) is None


def test_a_listing_applies_to_a_period_it_overlaps() -> None:
    year_2023 = Period(date(2023, 1, 1), date(2023, 12, 31))
    assert applied_in(date(2021, 8, 6), None, year_2023)
    assert not applied_in(date(2026, 2, 12), None, year_2023)
    assert not applied_in(date(2019, 10, 9), date(2021, 9, 8), year_2023)
    assert applied_in(None, None, year_2023)
