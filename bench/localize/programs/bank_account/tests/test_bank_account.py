import pytest

from account import Bank, InsufficientFunds
from ledger import reconciles, statement


@pytest.fixture
def bank():
    bank = Bank()
    bank.open("ann", 100)
    bank.open("bob", 20, overdraft=50)
    return bank


def test_deposit(bank):
    bank.accounts["ann"].deposit(30)
    assert bank.accounts["ann"].balance == 130


def test_withdraw_within_overdraft(bank):
    bank.accounts["bob"].withdraw(60)
    assert bank.accounts["bob"].balance == -40


def test_withdraw_beyond_overdraft(bank):
    with pytest.raises(InsufficientFunds):
        bank.accounts["bob"].withdraw(71)


def test_transfer_keeps_holdings(bank):
    bank.transfer("ann", "bob", 40)
    assert bank.holdings() == 120
    assert bank.accounts["bob"].balance == 60


def test_duplicate_account(bank):
    with pytest.raises(ValueError):
        bank.open("ann")


def test_statement_of_deposits(bank):
    ann = bank.accounts["ann"]
    ann.deposit(5)
    ann.deposit(10)
    assert statement(ann) == [("deposit", 5, 105), ("deposit", 10, 115)]


def test_statement_after_transfer(bank):
    bank.transfer("ann", "bob", 40)
    assert statement(bank.accounts["ann"]) == [("withdraw", 40, 60)]


def test_reconciles_after_activity(bank):
    bob = bank.accounts["bob"]
    bob.deposit(10)
    bob.withdraw(25)
    assert reconciles(bob)
