from door import Door


def test_open_fully():
    door = Door()
    door.press("open")
    door.press("done")
    assert door.state == "open"


def test_stop_while_opening():
    door = Door()
    door.press("open")
    door.press("stop")
    assert door.state == "stopped"
