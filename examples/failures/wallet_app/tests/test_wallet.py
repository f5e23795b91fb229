from wallet import Wallet


def test_statement_lists_top_ups():
    wallet = Wallet("ann")
    wallet.top_up(20)
    assert wallet.statement() == ["top_up 20"]


def test_statement_lists_spending():
    wallet = Wallet("ann")
    wallet.top_up(20)
    wallet.spend(5)
    assert wallet.statement() == ["top_up 20", "spend 5"]
