"""The clamd client against a real ClamAV daemon (scripts/clamd-test.sh), a dead socket and a silent one."""

import io
import time

from uploads.clamd import ScanStatus, clamd_ping, clamd_scan

from .files import EICAR, PDF, zip_bytes


def test_clean_file_is_clean():
    assert clamd_scan(io.BytesIO(PDF)).status == ScanStatus.CLEAN


def test_eicar_is_infected_with_its_signature_name():
    result = clamd_scan(io.BytesIO(EICAR))
    assert result.status == ScanStatus.INFECTED
    assert result.signature.startswith("Eicar-Test-Signature")


def test_eicar_inside_a_zip_is_infected():
    result = clamd_scan(io.BytesIO(zip_bytes({"tools/eicar.com": EICAR})))
    assert result.status == ScanStatus.INFECTED


def test_file_larger_than_one_chunk_is_streamed_whole():
    data = bytes(300 * 1024) + EICAR  # the signature only in the last chunk
    assert clamd_scan(io.BytesIO(data)).status == ScanStatus.INFECTED


def test_ping():
    assert clamd_ping() is True


def test_scanner_down_is_unavailable(scanner_down):
    result = clamd_scan(io.BytesIO(EICAR))
    assert result.status == ScanStatus.UNAVAILABLE
    assert clamd_ping() is False


def test_scanner_that_never_answers_times_out_as_unavailable(scanner_hanging):
    started = time.monotonic()
    result = clamd_scan(io.BytesIO(PDF))
    assert result.status == ScanStatus.UNAVAILABLE
    assert time.monotonic() - started < 5


def test_tcp_connection_refused_is_unavailable(settings):
    settings.CLAMD_HOST = "127.0.0.1"
    settings.CLAMD_PORT = 9  # discard: nothing listens here
    assert clamd_scan(io.BytesIO(PDF)).status == ScanStatus.UNAVAILABLE
