"""Demo assessments: a quiz and a hands-on lab per demo course, and a proctored final exam.

Each is placed in a lesson (by course/module/lesson slug) by adding a quiz or lab block and
publishing the lesson. Looked up by title, so a second seed run creates nothing.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from assessments.models import Lab, LabFlag, LabHint, Quiz


def _id() -> str:
    return str(uuid.uuid4())


def _items(values) -> list[dict]:
    return [{"type": "item", "value": value, "id": _id()} for value in values]


def _q(kind: str, prompt: str, points: int = 1, feedback: str = "", **fields) -> dict:
    value = {
        "prompt": f"<p>{prompt}</p>",
        "points": str(points),
        "feedback_correct": "",
        "feedback_incorrect": feedback,
    }
    value.update(fields)
    return {"type": kind, "value": value, "id": _id()}


def single(prompt: str, right: str, *wrong: str, **kw) -> dict:
    options = [(right, True)] + [(text, False) for text in wrong]
    return _q(
        "single_choice", prompt, choices=_items({"text": t, "correct": c, "feedback": ""} for t, c in options), **kw
    )


def multiple(prompt: str, right: list[str], wrong: list[str], **kw) -> dict:
    options = [(t, True) for t in right] + [(t, False) for t in wrong]
    return _q(
        "multiple_choice",
        prompt,
        choices=_items({"text": t, "correct": c, "feedback": ""} for t, c in options),
        partial_credit=True,
        **kw,
    )


def true_false(prompt: str, answer: bool, **kw) -> dict:
    return _q("true_false", prompt, correct="true" if answer else "false", **kw)


def short(prompt: str, *accepted: str, regex: str = "", **kw) -> dict:
    return _q(
        "short_answer",
        prompt,
        accepted_answers=_items(list(accepted)),
        case_sensitive=False,
        normalize_whitespace=True,
        regex=regex,
        **kw,
    )


def numeric(prompt: str, answer: str, tolerance: str = "0", **kw) -> dict:
    return _q("numeric", prompt, answer=answer, tolerance=tolerance, **kw)


def matching(prompt: str, pairs: list[tuple[str, str]], **kw) -> dict:
    return _q("matching", prompt, pairs=_items({"left": left, "right": right} for left, right in pairs), **kw)


def ordering(prompt: str, items: list[str], **kw) -> dict:
    return _q("ordering", prompt, items=_items(items), partial_credit=True, **kw)


def essay(prompt: str, rubric: str, points: int = 4) -> dict:
    return _q("essay", prompt, points=points, rubric=rubric)


QUIZZES: list[dict] = [
    {
        "title": "Security fundamentals: check your understanding",
        "place": ("security-fundamentals", "cryptography-essentials", "keys-certificates-and-tls"),
        "settings": {"pass_mark_percent": 70, "max_attempts": 3, "shuffle_choices": True},
        "questions": [
            single(
                "Which property of the CIA triad does ransomware attack most directly?",
                "Availability",
                "Confidentiality",
                "Integrity",
            ),
            multiple(
                "Which of these are authentication factors?",
                ["Something you know", "Something you have", "Something you are"],
                ["Something you want"],
            ),
            true_false(
                "Encoding data in Base64 keeps it confidential.", False, feedback="Encoding is reversible by anyone."
            ),
            short(
                "Which hash function family replaced SHA-1 for certificates? (name it, e.g. SHA-…)",
                "SHA-2",
                "SHA2",
                regex=r"sha-?(2|256|384|512)",
            ),
            matching(
                "Match each control to its kind.",
                [
                    ("Firewall rule", "Technical"),
                    ("Security awareness training", "Administrative"),
                    ("Badge reader", "Physical"),
                ],
            ),
        ],
    },
    {
        "title": "Networking for defenders: ports and protocols",
        "place": ("networking-for-defenders", "how-networks-move-data", "tcp-udp-and-ports"),
        "settings": {"pass_mark_percent": 75, "show_answers": "after_last_attempt", "max_attempts": 2},
        "questions": [
            numeric("Which TCP port does HTTPS use by default?", "443"),
            numeric("How many usable host addresses does a /24 IPv4 network have?", "254"),
            matching("Match each service to its default port.", [("SSH", "22"), ("DNS", "53"), ("RDP", "3389")]),
            ordering(
                "Put the TCP three-way handshake in order.",
                ["SYN", "SYN-ACK", "ACK"],
            ),
            true_false("UDP retransmits lost datagrams on its own.", False),
        ],
    },
    {
        "title": "Linux for security: permissions and logs",
        "place": ("linux-for-security", "users-permissions-and-processes", "file-permissions"),
        "settings": {"pass_mark_percent": 70, "time_limit_minutes": 15},
        "questions": [
            short("Which command changes a file's permission bits?", "chmod"),
            numeric("What is the octal mode for rw-r-----?", "640"),
            single(
                "Where does Debian log SSH authentication attempts?",
                "/var/log/auth.log",
                "/var/log/ssh.log",
                "/etc/ssh/sshd_config",
            ),
            true_false("A setuid root binary runs with the privileges of the user who starts it.", False),
        ],
    },
    {
        "title": "SOC foundations: triage",
        "place": ("soc-analyst-foundations", "triage-and-detection", "mapping-to-mitre-attack"),
        "settings": {"pass_mark_percent": 60},
        "questions": [
            ordering(
                "Order the incident response lifecycle (NIST SP 800-61).",
                [
                    "Preparation",
                    "Detection and analysis",
                    "Containment, eradication and recovery",
                    "Post-incident activity",
                ],
            ),
            single(
                "An alert fires for a known-good admin script. What is it?",
                "A false positive",
                "A true positive",
                "A false negative",
            ),
            essay(
                "A user reports a phishing email they clicked. Describe your first three triage steps and why.",
                "Full marks: scope (who else received it), contain (reset credentials / isolate host), preserve evidence.",
            ),
        ],
    },
    {
        "title": "Web application security: injection",
        "place": ("web-application-security", "injection", "command-injection"),
        "settings": {"pass_mark_percent": 70, "shuffle_questions": True},
        "questions": [
            single(
                "What prevents SQL injection most reliably?",
                "Parameterized queries",
                "Escaping quotes by hand",
                "A web application firewall",
            ),
            multiple(
                "Which headers help against cross-site scripting?",
                ["Content-Security-Policy"],
                ["Server", "X-Powered-By"],
            ),
            short("Name the OWASP Top 10 (2021) category ranked first.", "Broken Access Control"),
        ],
    },
    {
        "title": "Cloud security essentials: shared responsibility",
        "place": ("cloud-security-essentials", "protecting-data", "encryption-and-key-management"),
        "settings": {"pass_mark_percent": 70},
        "questions": [
            true_false("In IaaS, patching the guest operating system is the customer's job.", True),
            single("Which AWS service records API calls for audit?", "CloudTrail", "CloudFront", "CloudFormation"),
            multiple(
                "Which settings make an S3 bucket private?",
                ["Block Public Access", "No public bucket policy"],
                ["Versioning"],
            ),
        ],
    },
]

FINAL_EXAM = {
    "title": "SOC analyst foundations: final exam",
    "place": ("soc-analyst-foundations", "incident-response", "writing-the-incident-report"),
    "settings": {"pass_mark_percent": 70, "time_limit_minutes": 30, "proctored": True, "max_attempts": 1},
    "questions": [
        single(
            "Which log shows a Windows logon failure?",
            "Security event 4625",
            "System event 6005",
            "Application event 1000",
        ),
        matching(
            "Match each tactic to its ATT&CK id.",
            [("Initial Access", "TA0001"), ("Persistence", "TA0003"), ("Exfiltration", "TA0010")],
        ),
        ordering("Order these containment steps.", ["Isolate the host", "Collect volatile evidence", "Reimage"]),
        true_false("Closing an incident needs a lessons-learned review.", True),
    ],
}

LABS: list[dict] = [
    {
        "title": "Crack the weak password hash",
        "course": "security-fundamentals",
        "place": ("security-fundamentals", "identity-and-access", "authentication-and-mfa"),
        "instructions": "<p>A leaked database holds the unsalted MD5 hash <code>5f4dcc3b5aa765d61d8327deb882cf99</code>. "
        "Find the password with a wordlist and submit it wrapped as <code>FLAG{password}</code>.</p>",
        "flags": [("Cracked password", "FLAG{password}")],
        "hints": [("MD5 of common words is in every rainbow table; try the most common password of all.", 2)],
    },
    {
        "title": "Find the port scan in the capture",
        "course": "networking-for-defenders",
        "place": ("networking-for-defenders", "watching-and-controlling-traffic", "scanning-your-own-network"),
        "instructions": "<p>Open the lab capture and find the address that scanned the web server. Your environment "
        "plants your own flag in the scanner's HTTP user agent.</p>",
        "flags": [("Scanner address", "FLAG{10.0.5.23}")],
        "per_learner": 1,
        "environment_url": "https://labs.wchi.example/pcap-scan",
        "show_seed": True,
        "hints": [("Filter on tcp.flags.syn==1 and tcp.flags.ack==0.", 3)],
    },
    {
        "title": "Who brute-forced SSH?",
        "course": "linux-for-security",
        "place": ("linux-for-security", "logs-and-hardening", "investigating-failed-ssh-logins"),
        "instructions": "<p>Search <code>auth.log</code> for failed logins and submit the attacking address as <code>FLAG{address}</code>.</p>",
        "flags": [("Attacker address", "FLAG{203.0.113.77}")],
        "hints": [("grep 'Failed password' auth.log | awk '{print $(NF-3)}' | sort | uniq -c", 2)],
    },
    {
        "title": "Write the detection",
        "course": "soc-analyst-foundations",
        "place": ("soc-analyst-foundations", "triage-and-detection", "writing-detections-with-sigma"),
        "instructions": "<p>Run your Sigma rule against the sample events. The environment prints a flag when the rule "
        "matches exactly the malicious events.</p>",
        "flags": [],
        "per_learner": 1,
        "environment_url": "https://labs.wchi.example/sigma",
        "show_seed": True,
        "hints": [],
    },
    {
        "title": "Exploit the login form",
        "course": "web-application-security",
        "place": ("web-application-security", "injection", "sql-injection"),
        "instructions": "<p>Log in as <code>admin</code> on the practice app without the password. The admin page shows the flag.</p>",
        "flags": [("Admin flag", "FLAG{union-select-admin}")],
        "environment_url": "https://labs.wchi.example/sqli",
        "hints": [("What does ' OR '1'='1 do to a WHERE clause?", 3)],
    },
    {
        "title": "Find the public bucket",
        "course": "cloud-security-essentials",
        "place": ("cloud-security-essentials", "protecting-data", "securing-s3-buckets"),
        "instructions": "<p>One bucket in the practice account allows public reads. Its name is the flag, as <code>FLAG{name}</code>.</p>",
        "flags": [("Bucket name", "FLAG{wchi-backups-2019}")],
        "hints": [],
    },
]


def quiz_seed(data: dict, *, owner=None, proctor=None) -> tuple[Quiz, bool]:
    quiz = Quiz.objects.filter(title=data["title"]).first()
    if quiz is not None:
        return quiz, False
    settings = dict(data["settings"])
    if settings.get("proctored"):
        now = timezone.now()
        settings.update(
            available_from=now - timedelta(days=1), available_until=now + timedelta(days=365), proctor=proctor
        )
    quiz = Quiz(title=data["title"], questions=data["questions"], owner=owner, **settings)
    quiz.save()
    quiz.save_revision().publish()
    quiz.refresh_from_db()
    return quiz, True


def lab_seed(data: dict, *, owner=None) -> tuple[Lab, bool]:
    lab = Lab.objects.filter(title=data["title"]).first()
    if lab is not None:
        return lab, False
    lab = Lab.objects.create(
        title=data["title"],
        instructions=data["instructions"],
        environment_url=data.get("environment_url", ""),
        show_seed=data.get("show_seed", False),
        owner=owner,
    )
    for label, text in data["flags"]:
        LabFlag.objects.create(lab=lab, label=label, kind=LabFlag.Kind.STATIC, flag_digest=lab.static_flag_digest(text))
    for number in range(data.get("per_learner", 0)):
        LabFlag.objects.create(lab=lab, label=f"Your own flag {number + 1}", kind=LabFlag.Kind.PER_LEARNER)
    for text, cost in data["hints"]:
        LabHint.objects.create(lab=lab, text=text, cost=cost)
    lab.save_revision()
    return lab, True


def static_flag_texts(lab: Lab) -> list[str]:
    """The demo's own flag texts for a lab (the seed uses them to solve labs for the demo student)."""
    for data in LABS:
        if data["title"] == lab.title:
            return [text for _, text in data["flags"]]
    return []
