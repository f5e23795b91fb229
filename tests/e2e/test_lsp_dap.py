"""Across the rooms: a suggestion accepted in the editor (language server) is injected by the
next `smart-debug dap` session of the workspace (the live-session room reads the workspace's
accepted decisions and finds each line again by its code), for editors without our client,
which never see the breakpoint spec."""

from __future__ import annotations

import asyncio
import re

import pytest
import pytest_lsp
from dap_helpers import launch_arguments, spawn_proxy, start_session, wait_output
from lsp_helpers import (
    CONFIG,
    command,
    lenses,
    open_cart,
)
from pytest_lsp import LanguageClient

from dap_proxy.evidence.store import Store

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


def _debug(root, program):
    proxy = spawn_proxy()
    try:
        start_session(
            proxy, "launch", launch_arguments(program, smartDebug={"workspace": str(root)})
        )
        # What the accepted logpoint prints for each cart: bob's has exactly 10 items.
        return wait_output(proxy, r"BULK_THRESHOLD=10, count=10\b")
    finally:
        proxy.close()


async def test_an_accepted_suggestion_is_injected_by_the_next_dap_session(
    client: LanguageClient, tmp_path
) -> None:
    root, uri, line = await open_cart(client, tmp_path)
    [accept] = [
        lens.command
        for lens in await lenses(client, uri)
        if lens.range.start.line == line - 1 and lens.command.command == "smartDebug.accept"
    ]
    spec = await command(client, "smartDebug.accept", *accept.arguments)
    assert re.search(r"count=\{count\}", spec["logMessage"])
    with Store.open(root) as store:
        assert [d.line for d in store.probe_decisions(status="accepted")] == [line]
    found = await asyncio.to_thread(_debug, root, root / "checkout.py")
    assert found
