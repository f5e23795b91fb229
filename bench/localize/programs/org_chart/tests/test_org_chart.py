import pytest

from org import Person, chain, headcount, levels, widest_level


@pytest.fixture
def company():
    return Person("ceo").add(
        Person("cto").add(Person("dev1"), Person("dev2").add(Person("intern"))),
        Person("cfo").add(Person("acct")),
    )


def test_headcount(company):
    assert headcount(company) == 7


def test_levels_of_company(company):
    assert levels(company) == 4


def test_levels_of_one_person():
    assert levels(Person("solo")) == 1


def test_levels_of_flat_team():
    assert levels(Person("lead").add(Person("a"), Person("b"))) == 2


def test_chain(company):
    assert chain(company, "intern") == ["ceo", "cto", "dev2", "intern"]


def test_chain_missing(company):
    assert chain(company, "nobody") is None


def test_widest_level(company):
    assert widest_level(company) == 3
