# Fixture for `semgrep --test` (never imported): each `ruleid:` line must be flagged, each `ok:` not.
import ssl

import httpx
import requests


def fetch(url):
    # ruleid: lms-tls-verify-off
    requests.get(url, timeout=(3, 10), verify=False)
    session = requests.Session()
    # ruleid: lms-tls-verify-off
    session.post(url, json={}, verify=False)
    # ruleid: lms-tls-verify-off
    httpx.get(url, verify=False)
    # ruleid: lms-tls-verify-off
    context = ssl._create_unverified_context()
    # ok: lms-tls-verify-off
    requests.get(url, timeout=(3, 10))
    # ok: lms-tls-verify-off
    requests.get(url, timeout=(3, 10), verify="/etc/ssl/certs/ca-certificates.crt")
    return context
