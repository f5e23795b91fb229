import pytest

from vending import InvalidEvent, NotEnoughCredit, VendingMachine


@pytest.fixture
def machine():
    return VendingMachine(price=70, stock=2)


def test_purchase_gives_change(machine):
    machine.insert(50)
    machine.insert(50)
    assert machine.select() == 30
    assert machine.state == "dispensing"


def test_take_returns_to_idle(machine):
    machine.insert(100)
    machine.select()
    machine.take()
    assert machine.state == "idle"


def test_not_enough_credit(machine):
    machine.insert(20)
    with pytest.raises(NotEnoughCredit):
        machine.select()


def test_unknown_coin(machine):
    with pytest.raises(ValueError):
        machine.insert(3)


def test_refund_returns_credit(machine):
    machine.insert(20)
    machine.insert(10)
    assert machine.refund() == 30


def test_refund_resets_state(machine):
    machine.insert(20)
    machine.refund()
    assert machine.state == "idle"


def test_refund_twice_is_invalid(machine):
    machine.insert(20)
    machine.refund()
    with pytest.raises(InvalidEvent):
        machine.refund()


def test_cannot_insert_while_dispensing(machine):
    machine.insert(100)
    machine.select()
    with pytest.raises(InvalidEvent):
        machine.insert(10)


def test_sales_total(machine):
    for _ in range(2):
        machine.insert(100)
        machine.select()
        machine.take()
    assert machine.sales == 140
