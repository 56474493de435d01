"""Milvus servers for tests, reachable on 127.0.0.1 only: a `milvus-lite server` and the real Milvus 2.3.5.

`milvus-lite server` takes `--host 127.0.0.1`. The real server (`milvus` PyPI package) listens on every
interface whatever its config says, so it runs in its own network namespace (`unshare --net`: nothing but a
loopback device) and is reached through a relay: 127.0.0.1:<port> here → a Unix socket in a temp folder →
127.0.0.1:19530 inside the namespace. Run as a script, this module is the part inside the namespace.
Both are PyPI packages, so CI needs nothing beyond the pins.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

LITE_READY_S = 60
SERVER_READY_S = 180


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pump(a: socket.socket, b: socket.socket) -> None:
    try:
        while data := a.recv(65536):
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


def relay(listener: socket.socket, dial: Callable[[], socket.socket]) -> None:
    """Accept forever on `listener`; copy bytes both ways to a fresh `dial()` connection."""
    def serve() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed
            try:
                upstream = dial()
            except OSError:  # not listening yet: this client retries
                client.close()
                continue
            for x, y in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(x, y), daemon=True).start()
    threading.Thread(target=serve, daemon=True).start()


def _wait(uri: str, proc: subprocess.Popen[bytes], seconds: float, log: Path) -> None:
    from pymilvus import MilvusClient  # tests only; the bot's one pymilvus module is bot.store.milvus_store
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the Milvus server exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            MilvusClient(uri=uri, timeout=2).list_collections()
            return
        except Exception:  # noqa: BLE001 - any failure here means "not up yet"; the deadline bounds it
            time.sleep(0.3)
    raise RuntimeError(f"the Milvus server did not answer within {seconds} s: {log.read_text()[-2000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def lite_server(data_dir: Path) -> Iterator[str]:
    """A `milvus-lite server` subprocess on 127.0.0.1; yields its URI."""
    port = free_port()
    log = data_dir.parent / "milvus-lite.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir),
                                 "--host", "127.0.0.1", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    try:
        uri = f"http://127.0.0.1:{port}"
        _wait(uri, proc, LITE_READY_S, log)
        yield uri
    finally:
        _stop(proc)


@contextlib.contextmanager
def real_server(base_dir: Path) -> Iterator[str]:
    """Milvus 2.3.5 standalone in a network namespace of its own, relayed to 127.0.0.1; yields its URI."""
    sock_path = base_dir / "milvus.sock"
    log = base_dir / "jail.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(["unshare", "--net", "--", sys.executable, __file__, str(base_dir), str(sock_path)],
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    listener = socket.create_server(("127.0.0.1", 0))

    def dial() -> socket.socket:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(str(sock_path))
        return s
    relay(listener, dial)
    try:
        uri = f"http://127.0.0.1:{listener.getsockname()[1]}"
        _wait(uri, proc, SERVER_READY_S, log)
        yield uri
    finally:
        listener.close()
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


def _loopback_up() -> None:
    """`ip link set lo up` without needing iproute2: SIOCGIFFLAGS, then SIOCSIFFLAGS with IFF_UP."""
    import fcntl
    import struct
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack("16sh", fcntl.ioctl(s, 0x8913, struct.pack("16sh", b"lo", 0)))[1]
        fcntl.ioctl(s, 0x8914, struct.pack("16sh", b"lo", flags | 0x1))


def _jail(base_dir: Path, sock_path: Path) -> None:
    """Inside the namespace: loopback up, Milvus on its default ports, the Unix socket relayed to 19530."""
    import signal

    from milvus import MilvusServer
    _loopback_up()
    server = MilvusServer(wait_for_started=False)
    server.set_base_dir(str(base_dir / "milvus"))
    for role in ("rootCoord", "proxy", "queryCoord", "queryNode", "indexNode", "dataCoord", "dataNode"):
        server.config.set(f"{role}.ip", "127.0.0.1")  # the namespace has no other address to pick
    server.start()
    signal.signal(signal.SIGTERM, lambda *_: (server.stop(), sys.exit(0)))
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(sock_path))
    listener.listen()
    relay(listener, lambda: socket.create_connection(("127.0.0.1", server.listen_port)))
    server.wait()


if __name__ == "__main__":
    _jail(Path(sys.argv[1]), Path(sys.argv[2]))
