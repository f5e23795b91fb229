from merge import deep_merge, layered, lookup

DEFAULTS = {"server": {"host": "0.0.0.0", "port": 80, "tls": {"enabled": False}}, "workers": 2}


def test_top_level_override():
    assert deep_merge({"a": 1, "b": 2}, {"b": 3}) == {"a": 1, "b": 3}


def test_new_keys_added():
    assert deep_merge({"a": 1}, {"b": {"c": 2}}) == {"a": 1, "b": {"c": 2}}


def test_nested_override():
    merged = deep_merge(DEFAULTS, {"server": {"port": 8080}})
    assert merged["server"] == {"host": "0.0.0.0", "port": 8080, "tls": {"enabled": False}}


def test_deeply_nested_override():
    merged = deep_merge(DEFAULTS, {"server": {"tls": {"enabled": True}}})
    assert lookup(merged, "server.tls.enabled") is True


def test_dict_replaced_by_scalar():
    assert deep_merge({"a": {"b": 1}}, {"a": None}) == {"a": None}


def test_inputs_untouched():
    override = {"server": {"port": 1}}
    deep_merge(DEFAULTS, override)
    assert DEFAULTS["server"]["port"] == 80


def test_layered_last_wins():
    config = layered(DEFAULTS, {"workers": 4}, {"server": {"host": "127.0.0.1"}}, {"workers": 8})
    assert (config["workers"], lookup(config, "server.host")) == (8, "127.0.0.1")


def test_lookup_default():
    assert lookup(DEFAULTS, "server.tls.cert", "none") == "none"
