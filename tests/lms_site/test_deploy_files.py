"""docker-compose.yml, the nginx and gunicorn configs and .env.example are checked as files."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_deploy_files_pass_their_checks():
    result = subprocess.run(
        ["/bin/bash", "scripts/check-deploy-files.sh"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    passed = result.stdout
    assert "docker-compose.yml parses" in passed
    assert "nginx -t accepts deploy/nginx/lms.conf" in passed, "install nginx (make test does: nginx-light)"
    assert "deploy/gunicorn.conf.py loads" in passed
    assert "FAIL" not in passed
