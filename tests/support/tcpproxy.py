"""A TCP proxy the tests put between the app and PostgreSQL, to cut the database off and back."""

from __future__ import annotations

import contextlib
import random
import socket
import threading

# Below Linux's ephemeral range (32768-60999 by default). During an outage the app keeps
# connecting to the proxy's closed port; a port inside that range can be handed to one of
# those attempts as its own local port, and TCP's simultaneous open then connects the socket
# to itself and holds the port, so start() found it "already in use" (seen on a busy machine).
_PORTS = range(20000, 32000)


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; stop() is an outage (connections reset, port
    closed), start() brings the same port back.

    blackhole() is the nastier outage: connections stay open and new ones are accepted, but
    every byte either way is swallowed, with no reset (a stuck load balancer, a frozen host);
    forward() ends it.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._forwarding = threading.Event()
        self._forwarding.set()

    def blackhole(self) -> None:
        """Swallow everything from now on, resetting nothing."""
        self._forwarding.clear()

    def forward(self) -> None:
        """Forward again (bytes swallowed meanwhile stay lost, as on a real network)."""
        self._forwarding.set()

    def start(self) -> TcpProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.port:
            listener.bind(("127.0.0.1", self.port))
        else:
            self.port = _bind_below_ephemeral(listener)
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Refuse new connections and reset every open one, as a database going down does."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # stopped meanwhile
                    client.close()
                    upstream.close()
                    return
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if self._forwarding.is_set():
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()


def _bind_below_ephemeral(listener: socket.socket) -> int:
    """Bind to a free port outside the ephemeral range; return it."""
    for port in random.sample(_PORTS, 200):
        try:
            listener.bind(("127.0.0.1", port))
        except OSError:
            continue
        return port
    raise OSError("no free port below the ephemeral range")
