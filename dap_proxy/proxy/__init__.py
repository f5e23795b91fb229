"""The DAP proxy: one module per peer (editor side, adapter side), seq maps, handlers by name.

- `server`: `smart-debug dap` entry points (stdio, or one editor on 127.0.0.1:PORT).
- `session.Session`: one editor <-> one debugpy adapter. API for other rooms:
  `await session.request_adapter(command, arguments)` (response never reaches the editor),
  `await session.send_event(event, body)`, `session.on_editor_request(command, handler)`,
  `session.on_adapter_message("<event>_event" | "<command>_response", handler)`,
  `session.options` (the launch config's `smartDebug` block), `session.mode`.
- `editor.EditorSide` / `adapter.AdapterSide`: `<command>_request`, `<event>_event` and
  `<command>_response` methods; anything without a handler is forwarded, renumbered.
- `models`: launch/attach arguments, `smartDebug` options, debugpy's capability table.
- `seqmap`: seq counters and where each response goes.
- `nodelay`: TCP_NODELAY for debugpy's sockets (owned by its own change; called, not edited).
"""
