"""A real ClamAV daemon per test session (per xdist worker), and media/quarantine per test.

clamd is Debian's (clamav-daemon), started by scripts/clamd-test.sh with a one-line signature
database matching EICAR: no internet, no freshclam, not the system service. Missing clamd fails
the run with the command that installs it: these tests are the proof that scanning works.
"""

import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLAMD_SCRIPT = REPO / "scripts" / "clamd-test.sh"
INSTALL_COMMAND = "sudo apt-get install clamav-daemon  (or: make system-deps)"


def clamd_installed() -> bool:
    return Path("/usr/sbin/clamd").exists() or shutil.which("clamd") is not None


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory):
    """Start clamd for this session (own directory and socket per xdist worker); stop it at the end."""
    if not clamd_installed():
        pytest.fail(f"ClamAV's daemon (clamd) is not installed. Install it with: {INSTALL_COMMAND}", pytrace=False)
    directory = tmp_path_factory.mktemp("clamd")
    started = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [str(CLAMD_SCRIPT), "start", str(directory)], capture_output=True, text=True, timeout=120, check=False
    )
    if started.returncode != 0:
        pytest.fail(f"scripts/clamd-test.sh start failed: {started.stderr.strip()}", pytrace=False)
    yield str(directory / "clamd.sock")
    subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [str(CLAMD_SCRIPT), "stop", str(directory)], capture_output=True, timeout=60, check=False
    )


@pytest.fixture(autouse=True)
def upload_settings(settings, tmp_path, clamd_socket):
    """Each test: its own MEDIA_ROOT and quarantine, the session's clamd, short timeouts."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_QUARANTINE_ROOT = tmp_path / "quarantine"
    settings.CLAMD_SOCKET = clamd_socket
    settings.CLAMD_HOST = ""
    settings.CLAMD_TIMEOUT = 10
    settings.CLAMD_RESCAN_TIMEOUT = 10
    settings.MEDIA_ACCEL_REDIRECT = False
    return settings


@pytest.fixture
def scanner_down(settings, tmp_path):
    """clamd unreachable: the socket path exists as nothing (as when the daemon is stopped)."""
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    return settings


@pytest.fixture
def scanner_hanging(settings, tmp_path):
    """A 'clamd' that accepts the connection, reads everything and never answers."""
    path = tmp_path / "hang.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(4)
    stop = threading.Event()
    connections = []

    def serve():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connections.append(conn)
            conn.settimeout(0.2)
            while not stop.is_set():
                try:
                    if not conn.recv(65536):
                        break
                except TimeoutError:
                    continue
                except OSError:
                    break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings.CLAMD_SOCKET = str(path)
    settings.CLAMD_TIMEOUT = 1
    settings.CLAMD_RESCAN_TIMEOUT = 1
    yield settings
    stop.set()
    thread.join(timeout=5)
    for conn in connections:
        conn.close()
    server.close()
