from datetime import date

from models.demo.holidays import us_federal_holidays


def test_floating_holidays_fall_on_their_weekday():
    days = dict((name, day) for day, name in us_federal_holidays(2025))
    assert days["Martin Luther King Jr. Day"] == date(2025, 1, 20)
    assert days["Memorial Day"] == date(2025, 5, 26)
    assert days["Labor Day"] == date(2025, 9, 1)
    assert days["Thanksgiving Day"] == date(2025, 11, 27)


def test_fixed_holidays_on_a_weekend_are_observed_on_the_nearest_weekday():
    days = dict((name, day) for day, name in us_federal_holidays(2026))
    assert days["Independence Day"] == date(2026, 7, 3)  # a Saturday
    days_2022 = dict((name, day) for day, name in us_federal_holidays(2022))
    assert days_2022["Christmas Day"] == date(2022, 12, 26)  # a Sunday
    assert days_2022["New Year's Day"] == date(2021, 12, 31)  # a Saturday


def test_a_year_has_eleven_federal_holidays_in_order():
    days = [day for day, _ in us_federal_holidays(2027)]
    assert len(days) == 11 and days == sorted(days)
