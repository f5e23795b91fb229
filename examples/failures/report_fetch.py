"""Fetches a report from the reporting service. Bug: the HTTP call has no timeout, and the service
accepts the connection but never answers, so the job waits forever. (The "service" is started
in-process here so the example runs anywhere.)"""

import socket
import threading
import urllib.request

_open_connections: list[socket.socket] = []  # the silent service keeps them open, never replying


def start_silent_service() -> int:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    _open_connections.append(server)

    def accept_and_ignore() -> None:
        conn, _ = server.accept()
        _open_connections.append(conn)
        conn.recv(4096)  # the request arrived; the client now waits for a reply that never comes
        print("request received, not answering", flush=True)

    threading.Thread(target=accept_and_ignore, daemon=True).start()
    return server.getsockname()[1]


def fetch_report(port: int) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/report") as response:
        return response.read()


if __name__ == "__main__":
    port = start_silent_service()
    print(len(fetch_report(port)))
