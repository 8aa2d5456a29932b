"""The demo catalog as data: the home page, the catalog page and six cybersecurity courses.

Each course lists its modules, each module its lessons, each lesson its body as StreamField
blocks in their stored form ({"type": ..., "value": ...}), using only the lesson blocks that
need no uploaded file or network fetch (heading, paragraph, code, callout). The small
builders below keep the data readable; `seed.py` validates every body with
LessonStreamBlock before saving it.

Courses are listed so that every prerequisite comes before the courses that require it.
Slugs are the stable keys: change a title freely, never a slug.
"""

from textwrap import dedent

INSTRUCTOR = "instructor@wchi.example"
INSTRUCTOR_2 = "instructor2@wchi.example"

_BLOCK_TAGS = ("<p", "<ul", "<ol", "<blockquote", "<h2", "<h3", "<h4")


def _html(parts: tuple[str, ...]) -> str:
    return "".join(part if part.startswith(_BLOCK_TAGS) else f"<p>{part}</p>" for part in parts)


def heading(text: str, level: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level}}


def text(*parts: str) -> dict:
    """A paragraph block; plain strings become <p> paragraphs, lists are kept as given."""
    return {"type": "paragraph", "value": _html(parts)}


def code(source: str, language: str = "bash", caption: str = "") -> dict:
    return {"type": "code", "value": {"language": language, "caption": caption, "code": dedent(source).strip("\n")}}


def callout(kind: str, *parts: str, title: str = "") -> dict:
    return {"type": "callout", "value": {"kind": kind, "title": title, "text": _html(parts)}}


def bullets(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def numbered(*items: str) -> str:
    return "<ol>" + "".join(f"<li>{item}</li>" for item in items) + "</ol>"


# --- Site pages ----------------------------------------------------------------------------

HOME = {
    "title": "Whole Cyber Human Initiative",
    "slug": "home",
    "hero_title": "Learn cybersecurity by doing",
    "hero_text": "Hands-on courses for students, career changers and transitioning service members.",
    "hero_cta_label": "Browse courses",
    "body": _html(
        (
            "The Whole Cyber Human Initiative trains the people who defend networks, systems and data. "
            "Our courses are written by practitioners and built around the tasks of real work roles in the "
            "NICE Workforce Framework for Cybersecurity.",
            "<h2>Where to start</h2>",
            bullets(
                "New to the field? Begin with <b>Security Fundamentals</b> and <b>Networking for Defenders</b>.",
                "Heading for a security operations center? Continue with <b>Linux for Security</b> and "
                "<b>SOC Analyst Foundations</b>.",
                "Building or running software? Take <b>Web Application Security</b> and <b>Cloud Security Essentials</b>.",
            ),
        )
    ),
}

CATALOG_INDEX = {
    "title": "Courses",
    "slug": "courses",
    "intro": "<p>Hands-on cybersecurity courses, from first principles to the skills of a working analyst. "
    "Every course lists the NICE Framework work roles it prepares you for.</p>",
}


# --- Security Fundamentals -------------------------------------------------------------------

SECURITY_FUNDAMENTALS = {
    "slug": "security-fundamentals",
    "title": "Security Fundamentals",
    "summary": "The ideas every defender uses daily: the CIA triad, threats and risk, identity and access, "
    "and the cryptography that holds it all together.",
    "description": _html(
        (
            "Security Fundamentals gives you the vocabulary and mental models the rest of the program builds on. "
            "You will learn what security teams protect, how they decide what to fix first, how systems decide "
            "who you are and what you may do, and what hashing, encryption and certificates actually guarantee.",
            "<h3>What you will learn</h3>",
            bullets(
                "Explain confidentiality, integrity and availability with real incidents",
                "Score and treat risks with a simple risk register",
                "Compare authentication methods and apply current password guidance",
                "Tell hashing, encryption and encoding apart and inspect a TLS certificate",
            ),
            "<h3>Who it is for</h3>",
            "Anyone starting in cybersecurity. No prior experience is needed; a computer with a terminal "
            "(Linux, macOS, or Windows with WSL) is enough for the examples.",
        )
    ),
    "level": "beginner",
    "estimated_hours": 8,
    "price": "0",
    "capacity": None,
    "tags": ["fundamentals", "blue-team", "risk"],
    "competencies": ["PD-WRL-001", "PD-WRL-007", "OG-WRL-014"],
    "instructors": [INSTRUCTOR],
    "prerequisites": [],
    "modules": [
        {
            "slug": "thinking-like-a-defender",
            "title": "Thinking like a defender",
            "summary": "What we protect, what threatens it, and how we decide what to fix first.",
            "objectives": bullets(
                "Explain confidentiality, integrity and availability with an example of each",
                "Distinguish a threat, a vulnerability and a risk",
                "Apply defense in depth and least privilege to a simple system",
            ),
            "lessons": [
                {
                    "slug": "the-cia-triad",
                    "title": "The CIA triad",
                    "estimated_minutes": 15,
                    "is_preview": True,
                    "body": [
                        text(
                            "Security work starts with a question: what are we protecting, and what does "
                            "<i>protected</i> mean? The classic answer is the CIA triad: <b>confidentiality</b>, "
                            "<b>integrity</b> and <b>availability</b>. Almost every control you will meet in this "
                            "program (encryption, access control, backups, monitoring) exists to defend one or more "
                            "of these three properties."
                        ),
                        heading("Confidentiality"),
                        text(
                            "Confidentiality means information is disclosed only to the people and systems "
                            "authorized to see it. A leaked customer database, a laptop stolen with an unencrypted "
                            "disk and an email sent to the wrong recipient are all confidentiality failures. "
                            "Controls include access control, encryption at rest and in transit, and data "
                            "classification, so that people know which information needs protecting."
                        ),
                        heading("Integrity"),
                        text(
                            "Integrity means data and systems are not altered in unauthorized or undetected ways. "
                            "An attacker changing the bank account number on an invoice, malware replacing a system "
                            "program and a silently corrupted backup all break integrity. Hashes, digital "
                            "signatures, version control and change management help you prevent changes and notice "
                            "the ones that happen anyway."
                        ),
                        code(
                            r"""
                            # Compute the SHA-256 hash of a downloaded installer...
                            sha256sum ubuntu-24.04-live-server-amd64.iso
                            # ...or let sha256sum compare it with the vendor's published list of checksums
                            sha256sum --check --ignore-missing SHA256SUMS
                            """,
                            caption="Checking a download's integrity against the vendor's checksums",
                        ),
                        heading("Availability"),
                        text(
                            "Availability means authorized users can use systems and data when they need them. "
                            "Ransomware that encrypts file servers, a distributed denial-of-service attack and an "
                            "expired TLS certificate that takes a website offline are all availability incidents. "
                            "Redundancy, tested backups, capacity planning and timely patching defend it."
                        ),
                        callout(
                            "tip",
                            "The three properties pull against each other. Encrypting everything with a key only "
                            "one person holds maximizes confidentiality, but hurts availability the day that person "
                            "leaves. Good security design finds the balance that fits the business.",
                            title="Trade-offs",
                        ),
                    ],
                },
                {
                    "slug": "threats-vulnerabilities-and-risk",
                    "title": "Threats, vulnerabilities and risk",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "These three words are often used interchangeably, but defenders keep them apart "
                            "because each one leads to a different action.",
                            bullets(
                                "<b>Threat</b>: anything that could cause harm, such as a ransomware gang, a careless "
                                "insider or a flood in the server room.",
                                "<b>Vulnerability</b>: a weakness a threat could exploit, such as an unpatched VPN "
                                "appliance, a reused password or a server room below ground level.",
                                "<b>Risk</b>: the likelihood that a threat exploits a vulnerability, combined with the "
                                "impact if it does.",
                            ),
                        ),
                        heading("Measuring and treating risk"),
                        text(
                            "Many teams start with a simple qualitative model: rate likelihood (L) and impact (I) "
                            "from 1 (low) to 5 (high) and multiply them. The number is not precise, but it forces a "
                            "conversation about why one issue matters more than another, and it lets you rank the "
                            "work. A risk register records each risk with its score, an owner and the chosen "
                            "treatment."
                        ),
                        code(
                            """
                            ID    Risk                                          L  I  Score  Owner       Treatment
                            R-01  Ransomware via phishing encrypts file shares  4  5  20     IT Ops      Mitigate: MFA, EDR, offline backups
                            R-02  Public storage bucket exposes customer data   3  4  12     Cloud team  Mitigate: block public access
                            R-03  Legacy kiosk OS can no longer be patched      3  2  6      Retail IT   Accept until replacement in Q3
                            R-04  Flood damages on-site server room             1  5  5      Facilities  Transfer: insurance; move to cloud
                            """,
                            language="text",
                            caption="An excerpt of a risk register",
                        ),
                        text(
                            "There are four ways to treat a risk: <b>mitigate</b> it with controls, <b>transfer</b> it "
                            "(for example through insurance or a contract), <b>avoid</b> it by not doing the risky "
                            "activity, or <b>accept</b> it, with a documented decision by someone who has the "
                            "authority to make it."
                        ),
                        heading("Vulnerabilities have names", level="h3"),
                        text(
                            "Publicly known vulnerabilities receive a CVE identifier (Common Vulnerabilities and "
                            "Exposures), such as CVE-2021-44228 for the Log4Shell flaw in Apache Log4j. Severity is "
                            "usually expressed as a CVSS base score from 0.0 to 10.0; Log4Shell scored the maximum "
                            "10.0. CISA's Known Exploited Vulnerabilities (KEV) catalog lists the flaws attackers are "
                            "actively using, which is often a better guide to what to patch first than the score alone."
                        ),
                        callout(
                            "note",
                            "A high CVSS score does not automatically mean high risk for you. A critical flaw in "
                            "software you do not run is no risk at all; a medium flaw in your internet-facing login "
                            "page may be your top priority.",
                        ),
                    ],
                },
                {
                    "slug": "defense-in-depth-and-least-privilege",
                    "title": "Defense in depth and least privilege",
                    "estimated_minutes": 15,
                    "body": [
                        text(
                            "No single control is perfect. <b>Defense in depth</b> layers independent controls, so "
                            "that when one fails another still stands between the attacker and the goal. A phishing "
                            "email might get past the mail filter, but multi-factor authentication stops the stolen "
                            "password from being useful, endpoint detection flags the malware, and network "
                            "segmentation keeps it away from the payroll server."
                        ),
                        heading("Kinds of controls"),
                        text(
                            "Controls are grouped by what they do. <b>Preventive</b> controls stop an event (a "
                            "firewall rule, MFA), <b>detective</b> controls notice it (log alerts, intrusion "
                            "detection) and <b>corrective</b> controls limit the damage and restore service (backups, "
                            "incident response playbooks). They can also be administrative (policy, training), "
                            "technical (software and hardware) or physical (locks, badges). A healthy security "
                            "program has a mix of all of them."
                        ),
                        heading("Least privilege"),
                        text(
                            "Least privilege means every account, process and service gets only the access it needs "
                            "for its job, and only for as long as it needs it. Attackers who compromise an account "
                            "inherit its permissions, so small permissions mean small breaches. On Linux you can ask "
                            "which commands the current user may run as root:"
                        ),
                        code(
                            """
                            $ sudo -l
                            User sam may run the following commands on web01:
                                (root) NOPASSWD: /usr/bin/systemctl restart nginx
                            """,
                            caption="This user may restart one service as root, and nothing else",
                        ),
                        callout(
                            "tip",
                            "Review access regularly. People change jobs and keep their old permissions; this "
                            "<i>privilege creep</i> is one of the most common findings in security audits.",
                        ),
                    ],
                },
            ],
        },
        {
            "slug": "identity-and-access",
            "title": "Identity and access",
            "summary": "How systems decide who you are and what you may do, and why MFA stops most account takeovers.",
            "objectives": bullets(
                "Compare authentication factors and rank common MFA methods by phishing resistance",
                "Apply current password guidance from NIST SP 800-63B",
                "Design role-based access with separation of duties",
            ),
            "lessons": [
                {
                    "slug": "authentication-and-mfa",
                    "title": "Authentication and multi-factor authentication",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "<b>Authentication</b> proves who someone is; <b>authorization</b> decides what they may "
                            "do. Authentication relies on factors: something you know (a password or PIN), something "
                            "you have (a phone or a security key) and something you are (a fingerprint or face). "
                            "Multi-factor authentication (MFA) requires factors from at least two of these "
                            "categories, so a stolen password alone is not enough to get in."
                        ),
                        heading("Not all MFA is equal"),
                        text(
                            "SMS codes can be intercepted through SIM swapping, and one-time codes from an "
                            "authenticator app can still be typed into a convincing phishing page and relayed by the "
                            "attacker in real time. Push notifications can be abused by <i>MFA fatigue</i> attacks "
                            "that send prompts until a tired user taps Approve. Phishing-resistant methods such as "
                            "FIDO2/WebAuthn security keys and passkeys bind the login to the real website's domain, "
                            "so a look-alike site cannot use them.",
                            numbered(
                                "FIDO2 security keys and passkeys (phishing-resistant)",
                                "Authenticator app push with number matching",
                                "Time-based one-time codes (TOTP) from an authenticator app",
                                "SMS or voice codes (still far better than a password alone)",
                            ),
                        ),
                        heading("Passwords done right"),
                        text(
                            "NIST SP 800-63B recommends favoring length over composition rules, checking new "
                            "passwords against lists of known-breached passwords, allowing long passphrases and "
                            "password managers (including paste), and not forcing periodic password changes unless "
                            "there is evidence of compromise. A password manager lets people use a unique, random "
                            "password for every site, which defeats <i>credential stuffing</i>: attackers replaying "
                            "passwords leaked from one service against many others."
                        ),
                        code(
                            "openssl rand -base64 24",
                            caption="Generate a random 24-byte secret (32 Base64 characters), e.g. for a service account",
                        ),
                        callout(
                            "warning",
                            "A reused password turns one breached website into access to every account that shares "
                            "it. Use a password manager and turn on MFA for email first: whoever controls your "
                            "mailbox can reset everything else.",
                            title="Never reuse passwords",
                        ),
                    ],
                },
                {
                    "slug": "authorization-and-access-control",
                    "title": "Authorization and access control",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "Once a system knows who you are, it must decide what you may do. Most organizations use "
                            "<b>role-based access control</b> (RBAC): permissions are granted to roles such as "
                            "Helpdesk or Payroll clerk, and people are assigned roles. That is far easier to review "
                            "and to change than permissions granted to individuals one at a time."
                        ),
                        heading("Separation of duties"),
                        text(
                            "Some tasks are too sensitive for one person. Separation of duties splits them: the "
                            "person who adds a new supplier to the finance system should not be the one who approves "
                            "payments to it, and the developer who writes a change should not be the only person who "
                            "approves and deploys it to production. Fraud, or a single compromised account, then needs "
                            "a second person to succeed."
                        ),
                        heading("Checking group membership"),
                        code(
                            """
                            # Which groups is this account in?
                            id sam
                            # Who may use sudo? (group sudo on Debian/Ubuntu, wheel on RHEL-family systems)
                            getent group sudo
                            getent group wheel
                            """,
                            caption="Linux",
                        ),
                        code(
                            """
                            # Members of the local Administrators group
                            Get-LocalGroupMember -Group "Administrators"
                            # Members of Domain Admins, including nested groups (needs the ActiveDirectory module)
                            Get-ADGroupMember -Identity "Domain Admins" -Recursive | Select-Object Name, SamAccountName
                            """,
                            language="powershell",
                            caption="Windows",
                        ),
                        callout(
                            "tip",
                            "Run an access review at least quarterly: export who holds each privileged role, ask "
                            "each person's manager to confirm it is still needed, and remove what nobody can justify.",
                        ),
                    ],
                },
            ],
        },
        {
            "slug": "cryptography-essentials",
            "title": "Cryptography essentials",
            "summary": "Hashing, encryption and certificates: what each one guarantees and where you meet them.",
            "objectives": bullets(
                "Tell hashing, encryption and encoding apart",
                "Explain why passwords are stored with slow, salted hashes",
                "Inspect a TLS certificate from the command line",
            ),
            "lessons": [
                {
                    "slug": "hashing-encryption-and-encoding",
                    "title": "Hashing, encryption and encoding",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "Three operations that look alike on screen do completely different jobs.",
                            bullets(
                                "<b>Encoding</b> (Base64, URL encoding) changes how data is represented so it "
                                "survives transport. Anyone can reverse it; it provides no secrecy at all.",
                                "<b>Encryption</b> transforms data with a key so that only key holders can read it. "
                                "It is reversible, with the right key.",
                                "<b>Hashing</b> produces a fixed-length fingerprint of any input. It is one-way, and "
                                "the smallest change to the input produces a completely different hash.",
                            ),
                        ),
                        code(
                            """
                            $ echo -n 'wchi' | base64
                            d2NoaQ==
                            $ echo 'd2NoaQ==' | base64 --decode
                            wchi
                            $ echo -n 'wchi' | sha256sum
                            6b3aefce365942ad4497669f71e9a34830cd36a4baa7d753bb8dbc7c4b73d6d1  -
                            $ echo -n 'wchj' | sha256sum
                            0c8124c86f538901f3b14693c924a8357a3c6a26012c5ce3535983199237f6e0  -
                            """,
                            caption="Base64 reverses with no key; one changed letter changes the whole hash",
                        ),
                        heading("Storing passwords"),
                        text(
                            "Systems should never store passwords, only hashes of them. Fast hashes such as SHA-256 "
                            "are the wrong tool, though: an attacker with a stolen database and a few GPUs can try "
                            "billions of guesses per second. Password storage uses deliberately slow, salted "
                            "algorithms: Argon2id, scrypt, bcrypt, or PBKDF2 with a high iteration count. The "
                            "<b>salt</b> is a random value stored with each hash, so two users with the same password "
                            "get different hashes and precomputed lookup tables become useless."
                        ),
                        code(
                            """
                            from argon2 import PasswordHasher  # pip install argon2-cffi

                            ph = PasswordHasher()
                            stored = ph.hash("correct horse battery staple")
                            print(stored)  # $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>

                            ph.verify(stored, "correct horse battery staple")  # True; a wrong password raises VerifyMismatchError
                            """,
                            language="python",
                            caption="Argon2id stores the algorithm, its cost settings and the salt with the hash",
                        ),
                        callout(
                            "warning",
                            "If you find credentials <i>protected</i> with Base64 in a configuration file or script, "
                            "treat them as plain text: rotate them and report the finding.",
                            title="Base64 is not encryption",
                        ),
                    ],
                },
                {
                    "slug": "keys-certificates-and-tls",
                    "title": "Keys, certificates and TLS",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "<b>Symmetric</b> encryption, such as AES, uses the same key to encrypt and decrypt. It is "
                            "fast, and it protects data at rest and the bulk of network traffic. Its problem is key "
                            "distribution: how do two parties who have never met agree on a secret key?",
                            "<b>Asymmetric</b> cryptography (RSA, elliptic curves) solves this with key pairs: a "
                            "public key anyone may have and a private key its owner never shares. Data encrypted to a "
                            "public key can only be decrypted with the matching private key, and a signature made "
                            "with a private key can be verified by anyone holding the public key.",
                        ),
                        heading("How TLS uses both"),
                        text(
                            "When your browser opens an https:// address, TLS combines the two. The server presents a "
                            "<b>certificate</b>: its public key and name, signed by a certificate authority (CA) your "
                            "system trusts. Client and server run an ephemeral key exchange (ECDHE) to agree on fresh "
                            "session keys, and the server signs the handshake with its private key to prove it owns "
                            "the certificate. Everything afterwards is encrypted with fast symmetric ciphers such as "
                            "AES-GCM or ChaCha20-Poly1305. Because the session keys are ephemeral, an attacker who "
                            "records traffic today and steals the server's private key next year still cannot decrypt "
                            "it; this property is called forward secrecy."
                        ),
                        code(
                            r"""
                            # Who was the certificate issued to, who issued it, and when does it expire?
                            openssl s_client -connect example.com:443 -servername example.com </dev/null 2>/dev/null \
                              | openssl x509 -noout -subject -issuer -dates
                            """,
                            caption="Inspecting a website's certificate",
                        ),
                        callout(
                            "tip",
                            "Certificates expire, and an expired certificate takes a service offline as surely as an "
                            "attack. Monitor the notAfter date of every certificate you own, or automate renewal with "
                            "the ACME protocol (for example Let's Encrypt with certbot).",
                            title="Expiry is an availability risk",
                        ),
                    ],
                },
            ],
        },
    ],
}


# --- Networking for Defenders ----------------------------------------------------------------

NETWORKING_FOR_DEFENDERS = {
    "slug": "networking-for-defenders",
    "title": "Networking for Defenders",
    "summary": "How data really moves between machines, and how defenders watch, filter and map that traffic "
    "with ip, ss, dig, tcpdump, firewalls and nmap.",
    "description": _html(
        (
            "You cannot defend a network you do not understand. This course follows a packet from an application "
            "to the wire and back, then puts you in the defender's seat: reading sockets and routes on a host, "
            "watching DNS and HTTP on the wire, capturing packets, writing firewall rules and mapping your own "
            "network with Nmap.",
            "<h3>What you will learn</h3>",
            bullets(
                "Explain encapsulation and read addresses, routes and neighbors on a Linux host",
                "Calculate subnets and recognize private, loopback and link-local ranges",
                "Spot suspicious DNS and HTTP activity",
                "Capture traffic with tcpdump, apply default-deny firewall rules and scan your lab network",
            ),
            "<h3>You will need</h3>",
            "A Linux virtual machine (any current Ubuntu or Debian release) on a host-only network for the "
            "hands-on parts.",
        )
    ),
    "level": "beginner",
    "estimated_hours": 10,
    "price": "0",
    "capacity": None,
    # A cohort deadline, so the demo dashboard's "Upcoming deadlines" has something to show:
    # seeded as this many days after the day the course is created.
    "complete_in_days": 45,
    "tags": ["networking", "blue-team"],
    "competencies": ["IO-WRL-004", "PD-WRL-004", "PD-WRL-001"],
    "instructors": [INSTRUCTOR],
    "prerequisites": [],
    "modules": [
        {
            "slug": "how-networks-move-data",
            "title": "How networks move data",
            "summary": "Layers, addresses and ports: the map you will use to reason about every network event.",
            "objectives": bullets(
                "Describe how data is encapsulated on its way through the TCP/IP layers",
                "Work out the size and usable range of an IPv4 subnet",
                "List listening services on a host and judge whether they are exposed",
            ),
            "lessons": [
                {
                    "slug": "layers-and-encapsulation",
                    "title": "Layers and encapsulation",
                    "estimated_minutes": 20,
                    "is_preview": True,
                    "body": [
                        text(
                            "Networks are built in layers, each solving one problem and relying on the layer below. "
                            "The OSI model has seven layers; the TCP/IP model the internet runs on groups them into "
                            "four: <b>link</b> (Ethernet, Wi-Fi), <b>internet</b> (IP), <b>transport</b> (TCP, UDP) "
                            "and <b>application</b> (HTTP, DNS, SSH). Defenders use the layers as a map: is this a "
                            "layer 2 problem, such as ARP spoofing on a switch, or a layer 7 problem, such as a "
                            "malicious HTTP request?"
                        ),
                        heading("Encapsulation"),
                        text(
                            "When your browser sends a request, the HTTP message is wrapped in a TCP segment, which "
                            "adds source and destination ports. That segment is wrapped in an IP packet, which adds "
                            "source and destination IP addresses, and the packet is wrapped in an Ethernet frame, "
                            "which adds the MAC addresses of this hop. Each router on the path strips the frame, "
                            "reads the IP header, and builds a new frame for the next link. The IP addresses stay the "
                            "same from end to end (unless network address translation rewrites them); the MAC "
                            "addresses change at every hop."
                        ),
                        heading("Look at your own host"),
                        code(
                            """
                            # Interfaces with their MAC and IP addresses
                            ip addr show
                            # The routing table: where packets for each destination are sent
                            ip route show
                            # The neighbor (ARP) cache: IP-to-MAC mappings on the local network
                            ip neigh show
                            """
                        ),
                        callout(
                            "note",
                            "On Windows the closest equivalents are <code>ipconfig /all</code>, "
                            "<code>route print</code> and <code>arp -a</code>.",
                        ),
                    ],
                },
                {
                    "slug": "ip-addressing-and-subnets",
                    "title": "IP addressing and subnets",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "An IPv4 address is 32 bits, written as four decimal octets such as 192.168.10.25. The "
                            "prefix length in CIDR notation says how many leading bits identify the network: "
                            "192.168.10.0/24 means the first 24 bits are the network and the last 8 identify hosts. "
                            "That gives 256 addresses, of which 254 are usable, because the first is the network "
                            "address and the last is the broadcast address.",
                            "RFC 1918 reserves three ranges for private networks that are not routed on the "
                            "internet: 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16. If packets with these source "
                            "addresses arrive at your internet edge, something is spoofed or misconfigured. Two more "
                            "ranges worth knowing: 127.0.0.0/8 is loopback, and 169.254.0.0/16 is link-local; a host "
                            "that failed to get a DHCP lease often shows a 169.254.x.x address.",
                        ),
                        code(
                            """
                            import ipaddress

                            net = ipaddress.ip_network("10.20.0.0/22")
                            print(net.num_addresses)                             # 1024
                            print(net.netmask)                                   # 255.255.252.0
                            print(net[1], net[-2])                               # 10.20.0.1 10.20.3.254 (first and last usable)
                            print(ipaddress.ip_address("10.20.3.7") in net)      # True
                            print(ipaddress.ip_address("172.20.1.1").is_private) # True: inside 172.16.0.0/12
                            """,
                            language="python",
                            caption="Python's ipaddress module is a reliable subnet calculator",
                        ),
                        heading("Do not forget IPv6", level="h3"),
                        text(
                            "IPv6 addresses are 128 bits, written in hexadecimal such as 2001:db8::10. Many networks "
                            "run both protocols, and attackers know IPv6 is often less monitored. If your firewall "
                            "rules and logging cover only IPv4, you have a blind spot."
                        ),
                        callout(
                            "tip",
                            "Keep a current map of your subnets and what lives in each one. An alert about 10.20.3.7 "
                            "means little until you know it sits in the payroll servers' network.",
                        ),
                    ],
                },
                {
                    "slug": "tcp-udp-and-ports",
                    "title": "TCP, UDP and ports",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "The transport layer delivers data to the right program on a host, identified by a "
                            "<b>port</b> number from 0 to 65535. TCP provides reliable, ordered delivery and starts "
                            "every connection with a three-way handshake: the client sends SYN, the server replies "
                            "SYN-ACK, and the client answers ACK. UDP simply sends datagrams with no handshake and no "
                            "delivery guarantee, which suits DNS queries, voice and video.",
                            "A few well-known ports are worth memorizing: 22 SSH, 25 SMTP, 53 DNS, 80 HTTP, 443 HTTPS, "
                            "445 SMB and 3389 RDP. SMB or RDP reachable from the internet should always raise a flag.",
                        ),
                        code(
                            """
                            # Listening TCP and UDP sockets with their processes (root sees every process)
                            sudo ss -tulpn
                            # Established TCP connections
                            ss -tn state established
                            """
                        ),
                        code(
                            """
                            Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
                            udp   UNCONN 0      0      127.0.0.53%lo:53         0.0.0.0:*     users:(("systemd-resolve",pid=612,fd=13))
                            tcp   LISTEN 0      128          0.0.0.0:22         0.0.0.0:*     users:(("sshd",pid=901,fd=3))
                            tcp   LISTEN 0      200        127.0.0.1:5432       0.0.0.0:*     users:(("postgres",pid=1044,fd=6))
                            """,
                            language="text",
                            caption="Sample output of ss -tulpn",
                        ),
                        text(
                            "Reading this output: sshd listens on all IPv4 interfaces (0.0.0.0), so it is reachable "
                            "from the network; PostgreSQL listens only on 127.0.0.1, so only programs on the same host "
                            "can reach it; the DNS stub resolver listens on a loopback address. Anything listening on "
                            "0.0.0.0 (or [::] for IPv6) that you cannot explain deserves a closer look."
                        ),
                        callout(
                            "note",
                            "Ports are conventions, not guarantees. Malware often talks over 443 or 53 precisely "
                            "because those ports are allowed out of most networks.",
                        ),
                    ],
                },
            ],
        },
        {
            "slug": "core-services",
            "title": "Core services on the wire",
            "summary": "DNS and HTTP: the two protocols behind almost every connection, and what they reveal.",
            "objectives": bullets(
                "Query DNS records with dig and recognize signs of malicious DNS use",
                "Read HTTP requests, responses and status codes",
                "Explain what a network sensor can and cannot see in TLS traffic",
            ),
            "lessons": [
                {
                    "slug": "dns-for-defenders",
                    "title": "DNS for defenders",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "DNS translates names into addresses. Your host asks a recursive resolver, which walks "
                            "the hierarchy (the root servers, then the servers for the top-level domain such as .com, "
                            "then the domain's authoritative servers) and caches the answer for the record's TTL. "
                            "Nearly every connection starts with a DNS lookup, which makes DNS logs one of the richest "
                            "data sources a defender has.",
                            bullets(
                                "<b>A</b> and <b>AAAA</b>: IPv4 and IPv6 addresses",
                                "<b>CNAME</b>: an alias for another name",
                                "<b>MX</b>: the mail servers for a domain",
                                "<b>TXT</b>: free text, used for SPF, DKIM keys and domain verification",
                                "<b>NS</b>: the domain's authoritative name servers",
                                "<b>PTR</b>: reverse lookup, from address to name",
                            ),
                        ),
                        code(
                            """
                            dig +short example.com A
                            dig +short example.com MX
                            dig +short example.com TXT
                            # Reverse lookup of an address
                            dig +short -x 8.8.8.8
                            """
                        ),
                        heading("Watching DNS on the wire"),
                        code(
                            "sudo tcpdump -nn -i eth0 port 53",
                            caption="Every DNS query and answer passing eth0, without resolving names",
                        ),
                        text(
                            "Malicious activity shows up in DNS: newly registered look-alike domains used for "
                            "phishing, malware <i>beaconing</i> to its command-and-control domain every 60 seconds, "
                            "or DNS tunneling, where data is smuggled out in long, random-looking subdomains such as "
                            "<code>a8f3c2e1b7d94f.exfil.example.net</code>. Unusually long query names, bursts of TXT "
                            "queries and lookups of domains registered yesterday are all worth investigating."
                        ),
                        callout(
                            "tip",
                            "Make clients use your own resolvers (block outbound port 53 from everything else) so that "
                            "DNS logging covers every host on the network.",
                        ),
                    ],
                },
                {
                    "slug": "http-and-tls-on-the-wire",
                    "title": "HTTP and TLS on the wire",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "HTTP is a text protocol of requests and responses. A request has a method (GET, POST, "
                            "PUT, DELETE), a path, headers and sometimes a body; a response has a status code, headers "
                            "and a body. Status codes are grouped by their first digit: 2xx success, 3xx redirect, 4xx "
                            "client error (401 not authenticated, 403 forbidden, 404 not found) and 5xx server error."
                        ),
                        code(
                            "curl -sv https://example.com/ -o /dev/null",
                            caption="-v prints the TLS handshake summary and the request and response headers",
                        ),
                        heading("What encryption hides, and what it does not"),
                        text(
                            "With HTTPS, the HTTP messages travel inside TLS. A network sensor still sees the "
                            "destination IP address and port, the amount and timing of traffic, and the hostname the "
                            "client asks for in the TLS handshake (the Server Name Indication). With TLS 1.2 it also "
                            "sees the server's certificate; TLS 1.3 encrypts it. It cannot see paths, headers, cookies "
                            "or bodies. That is why proxy logs, endpoint agents and the web servers' own logs matter "
                            "for visibility."
                        ),
                        callout(
                            "note",
                            "Many 401 or 403 responses to one address in a short time often mean password spraying "
                            "or forced browsing. A burst of 5xx errors right after a deployment is usually a bug, not "
                            "an attack, but check.",
                        ),
                    ],
                },
            ],
        },
        {
            "slug": "watching-and-controlling-traffic",
            "title": "Watching and controlling traffic",
            "summary": "Capture packets, filter traffic with a default-deny firewall and map your own network.",
            "objectives": bullets(
                "Capture and filter traffic with tcpdump and save it for Wireshark",
                "Write a default-deny host firewall policy",
                "Discover hosts and services with Nmap, within an authorized scope",
            ),
            "lessons": [
                {
                    "slug": "capturing-packets-with-tcpdump",
                    "title": "Capturing packets with tcpdump",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "tcpdump captures packets from an interface and filters them with Berkeley Packet Filter "
                            "(BPF) expressions. It is installed on almost every Linux server, so it is often the "
                            "quickest way to answer the question: is this traffic actually arriving?"
                        ),
                        code(
                            """
                            # Interfaces tcpdump can capture on
                            sudo tcpdump -D
                            # 20 packets on eth0, without resolving names or ports (-nn)
                            sudo tcpdump -nn -i eth0 -c 20
                            # Only HTTPS traffic to or from one host
                            sudo tcpdump -nn -i eth0 host 10.20.3.7 and tcp port 443
                            # Only TCP SYN packets: new connection attempts
                            sudo tcpdump -nn -i eth0 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn'
                            # Write to a file for Wireshark, then read it back
                            sudo tcpdump -nn -i eth0 -w /tmp/capture.pcap
                            tcpdump -nn -r /tmp/capture.pcap | head
                            """
                        ),
                        text(
                            "Use <code>-nn</code> during investigations: resolving names sends DNS queries of its own, "
                            "which slows the capture and can tip off an attacker who watches their DNS server. Write to "
                            "a file with <code>-w</code> when you want to analyze later in Wireshark, and keep the "
                            "file with your case notes."
                        ),
                        callout(
                            "warning",
                            "Packet captures can hold passwords, session cookies and personal data. Capture only on "
                            "networks you are authorized to monitor, and store captures like any other sensitive "
                            "evidence.",
                            title="Captures contain sensitive data",
                        ),
                    ],
                },
                {
                    "slug": "firewalls-and-segmentation",
                    "title": "Firewalls and segmentation",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "A firewall decides which traffic may pass. Modern firewalls are <b>stateful</b>: they "
                            "track connections, so when an outbound request is allowed, its replies are allowed back "
                            "in automatically. The safest rule base starts from <b>default deny</b>: block "
                            "everything, then allow only the flows the business needs, each with a documented reason."
                        ),
                        code(
                            """
                            sudo ufw default deny incoming
                            sudo ufw default allow outgoing
                            sudo ufw allow from 10.20.0.0/22 to any port 22 proto tcp   # SSH from the admin network only
                            sudo ufw allow 443/tcp
                            sudo ufw enable
                            sudo ufw status verbose
                            """,
                            caption="A default-deny host firewall with ufw (Ubuntu's front end to the kernel firewall)",
                        ),
                        heading("Segmentation"),
                        text(
                            "Segmentation splits a network into zones (user workstations, servers, management "
                            "interfaces, guest Wi-Fi, industrial systems) and controls the traffic between them. A "
                            "compromised laptop in the user network should not be able to reach a database server's "
                            "SSH port or a hypervisor's management interface. Good segmentation turns one compromised "
                            "host from a breach of everything into a contained incident."
                        ),
                        callout(
                            "tip",
                            "Filter outbound (egress) traffic too. Servers rarely need to reach arbitrary internet "
                            "hosts; blocking that stops many malware downloads and data exfiltration paths.",
                        ),
                    ],
                },
                {
                    "slug": "scanning-your-own-network",
                    "title": "Scanning your own network",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "You cannot defend what you do not know exists. Network scanning discovers hosts and "
                            "services so you can compare reality with your inventory. Nmap is the standard tool."
                        ),
                        code(
                            """
                            # Host discovery only, no port scan, on a lab subnet
                            nmap -sn 192.168.56.0/24
                            # The 1,000 most common TCP ports, with service and version detection
                            nmap -sV 192.168.56.10
                            # Chosen ports, results saved in all formats for later comparison
                            nmap -sV -p 22,80,443,3389 -oA scans/web01-$(date +%F) 192.168.56.10
                            """
                        ),
                        text(
                            "Compare scans over time: a new open port on a server nobody changed is a finding. "
                            "Version detection (<code>-sV</code>) helps you match running services against known "
                            "vulnerabilities, but treat the versions as hints, because distributions often backport "
                            "security fixes without changing the version string.",
                            "Run as root, Nmap's default TCP scan is a SYN scan (<code>-sS</code>): it sends SYN, "
                            "records a SYN-ACK as open or a RST as closed, and never completes the handshake. Without "
                            "root it falls back to a connect scan (<code>-sT</code>), which completes every handshake "
                            "and so appears in the target's application logs. Either way, a scan is noisy: your own "
                            "intrusion detection should notice it, which makes a scheduled scan a free test of your "
                            "monitoring too.",
                        ),
                        callout(
                            "warning",
                            "Scanning networks you do not own, or have no written permission to test, can break laws "
                            "such as the U.S. Computer Fraud and Abuse Act as well as your employer's policies. Use "
                            "your own lab (for example a VirtualBox host-only network, 192.168.56.0/24 by default) or "
                            "get written authorization with a clearly defined scope.",
                            title="Only scan systems you are authorized to test",
                        ),
                    ],
                },
            ],
        },
    ],
}


# --- Linux for Security ----------------------------------------------------------------------

LINUX_FOR_SECURITY = {
    "slug": "linux-for-security",
    "title": "Linux for Security",
    "summary": "The Linux skills defenders use every day: finding things, reading logs, managing users and "
    "permissions, investigating processes and hardening SSH.",
    "description": _html(
        (
            "Most servers, security tools and cloud workloads run Linux. This course teaches the command line "
            "from a defender's point of view: where evidence lives, how to search it, how permissions and "
            "processes work, and how to harden and patch a server so it stays out of the incident queue.",
            "<h3>What you will learn</h3>",
            bullets(
                "Navigate the filesystem and search logs with grep, awk, sort and uniq",
                "Manage users, groups, sudo and file permissions safely",
                "Investigate running processes, services and persistence",
                "Analyze SSH brute-force attempts, then switch SSH to key-only authentication",
            ),
            "<h3>You will need</h3>",
            "A Linux virtual machine where you have sudo rights. Examples use Ubuntu; differences on "
            "RHEL-family systems are noted.",
        )
    ),
    "level": "beginner",
    "estimated_hours": 12,
    "price": "0",
    "capacity": None,
    "tags": ["linux", "blue-team", "hardening"],
    "competencies": ["IO-WRL-005", "IO-WRL-006", "PD-WRL-004"],
    "instructors": [INSTRUCTOR],
    "prerequisites": [],
    "modules": [
        {
            "slug": "working-at-the-command-line",
            "title": "Working at the command line",
            "summary": "Where things live on a Linux system and how to find and read them quickly.",
            "objectives": bullets(
                "Name the directories that hold configuration, logs and temporary files",
                "Find files by time, type and permission",
                "Chain grep, awk, sort and uniq to summarize a log",
            ),
            "lessons": [
                {
                    "slug": "finding-your-way-around",
                    "title": "Finding your way around the filesystem",
                    "estimated_minutes": 20,
                    "is_preview": True,
                    "body": [
                        text(
                            "Linux keeps everything in a single tree that starts at <code>/</code>. Knowing where "
                            "things live tells you where to look during an investigation.",
                            bullets(
                                "<code>/etc</code>: system configuration (sshd_config, passwd, sudoers)",
                                "<code>/var/log</code>: logs (auth.log or secure, syslog or messages)",
                                "<code>/home</code> and <code>/root</code>: users' home directories",
                                "<code>/tmp</code>, <code>/var/tmp</code> and <code>/dev/shm</code>: world-writable "
                                "temporary space, a favorite place for attackers to drop tools",
                                "<code>/usr/bin</code> and <code>/usr/sbin</code>: installed programs",
                                "<code>/proc</code>: live information about the kernel and every process",
                            ),
                        ),
                        code(
                            """
                            pwd                                   # where am I?
                            ls -la /etc/ssh                       # long listing, including hidden files
                            ls -lt /var/log | head                # most recently modified logs first
                            find /tmp /var/tmp /dev/shm -type f -mtime -1 -ls   # files changed in the last day
                            find / -xdev -perm -4000 -type f 2>/dev/null        # SUID programs
                            """
                        ),
                        text(
                            "The last command lists SUID programs, which run with their owner's privileges (usually "
                            "root) whoever starts them. A handful are normal, such as passwd and sudo; an unexpected "
                            "one, especially in a home directory or /tmp, is a classic privilege-escalation backdoor."
                        ),
                        callout(
                            "tip",
                            "Know your baseline. Save the list of SUID programs, listening ports and enabled services "
                            "of a freshly built server; differences later are exactly what you want to investigate.",
                        ),
                    ],
                },
                {
                    "slug": "reading-and-searching-text",
                    "title": "Reading and searching text",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "Most of what a defender reads on Linux is text: logs, configuration and command output. "
                            "A handful of small tools joined with pipes (<code>|</code>), where the output of one "
                            "command becomes the input of the next, goes a very long way."
                        ),
                        code(
                            """
                            less /var/log/syslog                # page through a file (/ searches, q quits)
                            tail -f /var/log/auth.log           # follow new lines as they are written
                            grep -i "error" /var/log/syslog     # case-insensitive search
                            grep -c "sshd" /var/log/auth.log    # count matching lines
                            cut -d: -f1,7 /etc/passwd           # user names and their login shells
                            sort names.txt | uniq -c | sort -rn # count repeated lines, most frequent first
                            """
                        ),
                        heading("awk for columns", level="h3"),
                        text(
                            "<code>awk</code> splits each line into whitespace-separated fields, "
                            "<code>$1</code>, <code>$2</code> and so on (<code>$NF</code> is the last one), which "
                            "makes it ideal for log columns. In a web server's access log the first field is the "
                            "client's IP address, so the busiest clients are one pipeline away:"
                        ),
                        code(
                            "awk '{print $1}' /var/log/nginx/access.log | sort | uniq -c | sort -rn | head",
                            caption="The ten busiest client IP addresses in an nginx access log",
                        ),
                        callout(
                            "note",
                            "On systemd-based distributions some logs exist only in the journal. Read them with "
                            "<code>journalctl</code>, which you will meet in the next module.",
                        ),
                    ],
                },
            ],
        },
        {
            "slug": "users-permissions-and-processes",
            "title": "Users, permissions and processes",
            "summary": "Who may do what on a Linux system, and how to see what is running right now.",
            "objectives": bullets(
                "Audit accounts, groups and sudo rights",
                "Read and set file permissions in symbolic and octal form",
                "Investigate processes, services and common persistence locations",
            ),
            "lessons": [
                {
                    "slug": "users-groups-and-sudo",
                    "title": "Users, groups and sudo",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "Every account has a line in <code>/etc/passwd</code> with its name, user ID (UID), "
                            "primary group, home directory and shell. Password hashes live in "
                            "<code>/etc/shadow</code>, which only root can read. UID 0 is root whatever the account "
                            "is called, so a second account with UID 0 is a classic backdoor."
                        ),
                        code(
                            """
                            # Accounts with UID 0 (only root should appear)
                            awk -F: '$3 == 0 {print $1}' /etc/passwd
                            # Accounts with a login shell
                            grep -Ev '(nologin|false)$' /etc/passwd
                            # Create a user, give them sudo rights, lock an account nobody uses any more
                            sudo useradd -m -s /bin/bash alex
                            sudo usermod -aG sudo alex
                            sudo usermod -L olduser
                            # What may I run with sudo?
                            sudo -l
                            """
                        ),
                        text(
                            "Administrators should log in as themselves and use <code>sudo</code> for individual "
                            "privileged commands instead of sharing the root password: sudo logs every command under "
                            "the real person's name, and access can be removed one person at a time. Edit sudo rules "
                            "only with <code>visudo</code>, which checks the syntax before saving, because a broken "
                            "<code>/etc/sudoers</code> can lock everyone out of root."
                        ),
                        callout(
                            "warning",
                            "Forgetting <code>-a</code> in <code>usermod -aG</code> replaces all of the user's "
                            "supplementary groups instead of adding one, which can silently remove their sudo rights "
                            "or grant the wrong ones.",
                        ),
                    ],
                },
                {
                    "slug": "file-permissions",
                    "title": "File permissions",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "Every file has an owner, a group and three sets of permissions: for the owner (u), the "
                            "group (g) and everyone else (o). Each set combines read (r = 4), write (w = 2) and execute "
                            "(x = 1)."
                        ),
                        code(
                            """
                            $ ls -l /etc/shadow /usr/bin/passwd deploy.sh
                            -rw-r----- 1 root shadow  1423 May  2 09:14 /etc/shadow
                            -rwsr-xr-x 1 root root   64152 May 30  2024 /usr/bin/passwd
                            -rwxr-x--- 1 sam  devops   512 May  6 16:02 deploy.sh
                            """,
                            language="text",
                        ),
                        text(
                            "Read the first line as: <code>-</code> (a regular file), <code>rw-</code> for the owner "
                            "root, <code>r--</code> for the shadow group and <code>---</code> for everyone else, "
                            "which is 640 in octal. The <code>s</code> in passwd's owner set is the SUID bit: the "
                            "program runs as its owner, root, which is how ordinary users can change their own "
                            "password hash in /etc/shadow."
                        ),
                        code(
                            """
                            chmod 640 app.conf             # rw-r-----
                            chmod u+x deploy.sh            # add execute for the owner
                            chmod 600 ~/.ssh/id_ed25519    # private keys: owner read and write only
                            sudo chown root:devops deploy.sh    # change owner and group
                            find /srv -type f -perm -o+w   # world-writable files: who else can change them?
                            """
                        ),
                        text(
                            "Directories use the same bits differently: r lists the names, w creates and deletes "
                            "entries, and x lets you enter the directory. The sticky bit on /tmp "
                            "(<code>drwxrwxrwt</code>) lets everyone create files there but only delete their own. "
                            "The <code>umask</code>, usually 022 or 027, removes permissions from newly created files."
                        ),
                        callout(
                            "tip",
                            "SSH refuses to use a private key that other users can read and warns "
                            "<code>UNPROTECTED PRIVATE KEY FILE!</code>. <code>chmod 600</code> on the key fixes it.",
                        ),
                    ],
                },
                {
                    "slug": "processes-and-services",
                    "title": "Processes and services",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "A process is a running program with a process ID (PID), an owner and a parent. "
                            "Investigations often start with three questions: what is running, as whom, and who "
                            "started it?"
                        ),
                        code(
                            """
                            ps auxf                                     # every process, as a tree
                            ps -o pid,ppid,user,lstart,cmd -p 4242      # details of one process
                            sudo ls -l /proc/4242/exe                   # the binary actually running
                            sudo ss -tulpn                              # which process listens on which port
                            systemctl list-units --type=service --state=running
                            systemctl status ssh                        # the unit is sshd on RHEL-family systems
                            journalctl -u ssh --since "1 hour ago"
                            """
                        ),
                        text(
                            "Signs that deserve a closer look: a process running from /tmp or /dev/shm; a "
                            "<code>/proc/PID/exe</code> link ending in <code>(deleted)</code>, meaning the program "
                            "file was removed after it started, a common trick to hide malware; a web server account "
                            "such as www-data with a shell as a child process; and a service you do not recognize "
                            "that is enabled to start at boot."
                        ),
                        callout(
                            "note",
                            "Persistence often hides in systemd units and cron jobs. Check "
                            "<code>systemctl list-unit-files --state=enabled</code>, the files under "
                            "<code>/etc/cron.*</code> and <code>/etc/systemd/system</code>, and "
                            "<code>sudo crontab -l -u USER</code> for each account.",
                        ),
                    ],
                },
            ],
        },
        {
            "slug": "logs-and-hardening",
            "title": "Logs and hardening",
            "summary": "Read the evidence of an SSH brute-force attack, then make it harmless.",
            "objectives": bullets(
                "Summarize failed and successful SSH logins from auth logs and the journal",
                "Configure SSH for key-only authentication without locking yourself out",
                "Keep packages patched and know when a restart is needed",
            ),
            "lessons": [
                {
                    "slug": "investigating-failed-ssh-logins",
                    "title": "Investigating failed SSH logins",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "Any SSH server on the internet receives password-guessing attempts within minutes of "
                            "going online. The authentication log records them: <code>/var/log/auth.log</code> on "
                            "Debian and Ubuntu, <code>/var/log/secure</code> on RHEL-family systems, and the systemd "
                            "journal everywhere."
                        ),
                        code(
                            """
                            May  6 03:12:44 web01 sshd[20931]: Failed password for root from 203.0.113.45 port 51122 ssh2
                            May  6 03:12:47 web01 sshd[20933]: Failed password for invalid user admin from 203.0.113.45 port 51190 ssh2
                            May  6 08:01:02 web01 sshd[21877]: Accepted publickey for sam from 198.51.100.23 port 60412 ssh2: ED25519 SHA256:...
                            """,
                            language="text",
                            caption="Typical lines in /var/log/auth.log",
                        ),
                        code(
                            r"""
                            # Failed passwords per source IP address, busiest first
                            grep "Failed password" /var/log/auth.log \
                              | awk '{print $(NF-3)}' | sort | uniq -c | sort -rn | head

                            # Which account names were tried?
                            grep "Failed password" /var/log/auth.log \
                              | awk '{for (i = 1; i <= NF; i++) if ($i == "for") {print ($(i+1) == "invalid" ? $(i+3) : $(i+1)); break}}' \
                              | sort | uniq -c | sort -rn | head

                            # Successful logins: did any of those addresses get in?
                            grep "Accepted" /var/log/auth.log \
                              | awk '{for (i = 1; i <= NF; i++) if ($i == "from") {print $(i-1), $(i+1); break}}' | sort | uniq -c
                            """
                        ),
                        text(
                            "How to read the results: hundreds of failures from one address is a brute-force attempt; "
                            "a few failures each from many addresses is a distributed attack or password spraying. The "
                            "question that matters most is always the last one: did any of those addresses ever log in "
                            "successfully?"
                        ),
                        code(
                            """
                            journalctl -u ssh --since today | grep "Failed password"
                            sudo lastb | head        # failed logins recorded in /var/log/btmp
                            last -a | head           # recent successful logins with their source
                            """,
                            caption="The same evidence from the journal and the login records",
                        ),
                        callout(
                            "tip",
                            "Counting fields from the end of the line, as <code>$(NF-3)</code> does, keeps these "
                            "commands working whether syslog writes classic timestamps (three fields, as above) or ISO "
                            "8601 timestamps (one field), as newer releases do.",
                        ),
                    ],
                },
                {
                    "slug": "hardening-ssh",
                    "title": "Hardening SSH",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "The best defense against password guessing is to stop accepting passwords. SSH keys are "
                            "far stronger than any password a person would type, and they cannot be phished out of a "
                            "login prompt."
                        ),
                        code(
                            """
                            # On your workstation: create a key pair, protected by a passphrase
                            ssh-keygen -t ed25519 -C "sam@laptop"
                            # Install the public key on the server, then test a key login
                            ssh-copy-id -i ~/.ssh/id_ed25519.pub sam@web01
                            ssh sam@web01
                            """
                        ),
                        code(
                            """
                            # /etc/ssh/sshd_config.d/10-hardening.conf
                            PermitRootLogin no
                            PasswordAuthentication no
                            KbdInteractiveAuthentication no
                            PubkeyAuthentication yes
                            MaxAuthTries 3
                            AllowGroups ssh-users
                            """,
                            language="text",
                            caption="For each setting sshd uses the first value it reads, so a low file number wins",
                        ),
                        text(
                            "Current Debian and Ubuntu releases read every file in <code>/etc/ssh/sshd_config.d/</code> "
                            "at the top of the main configuration file, in name order. Unlike most programs, sshd "
                            "keeps the <i>first</i> value it reads for each setting, so a file named "
                            "<code>10-hardening.conf</code> beats a cloud image's <code>50-cloud-init.conf</code> that "
                            "may switch password logins back on. Never trust the file alone: <code>sshd -T</code> "
                            "prints the settings the server will actually use."
                        ),
                        code(
                            """
                            sudo sshd -t                 # check the configuration; no output means no errors
                            sudo systemctl reload ssh    # apply it (sshd on RHEL-family systems)
                            sudo sshd -T | grep -Ei 'permitrootlogin|passwordauthentication'   # effective settings
                            """
                        ),
                        callout(
                            "warning",
                            "Before reloading sshd, keep your current session open and test a new login from a second "
                            "terminal. If the new login fails you can still fix the configuration; if you closed your "
                            "only session, you may need console access to recover. Make sure your own account is in "
                            "the <code>ssh-users</code> group before you add <code>AllowGroups</code>.",
                            title="Do not lock yourself out",
                        ),
                        text(
                            "Further layers: allow SSH only from a VPN or bastion network at the firewall, and add "
                            "fail2ban to block addresses after repeated failures, which also keeps the logs readable."
                        ),
                    ],
                },
                {
                    "slug": "patching-and-updates",
                    "title": "Patching and updates",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "Many breaches exploit vulnerabilities for which a patch was already available. Patching "
                            "is unglamorous, and it is one of the most effective things a defender can do."
                        ),
                        code(
                            """
                            # Debian / Ubuntu
                            sudo apt update
                            apt list --upgradable
                            sudo apt upgrade
                            # RHEL / Rocky / AlmaLinux
                            sudo dnf check-update
                            sudo dnf upgrade --security
                            # Is a reboot needed, for example for a new kernel?
                            cat /var/run/reboot-required 2>/dev/null    # Debian / Ubuntu
                            sudo dnf needs-restarting -r                 # RHEL family
                            """
                        ),
                        text(
                            "Automate security updates where the risk of breakage is low: unattended-upgrades on "
                            "Debian and Ubuntu, dnf-automatic on RHEL-family systems. Remember that a patched library "
                            "protects nothing until every process using it has restarted, and a new kernel nothing "
                            "until the machine reboots."
                        ),
                        code(
                            "sudo apt install unattended-upgrades && sudo dpkg-reconfigure --priority=low unattended-upgrades",
                            caption="Turn on automatic security updates on Debian or Ubuntu",
                        ),
                        text(
                            "For servers that run important services, patch in waves: a test or staging system "
                            "first, then a small group of production systems, then the rest, with a rollback plan "
                            "(a snapshot or the previous package version) at each step. Keep a record of what was "
                            "patched and when; during an incident, knowing that a host missed last month's update "
                            "can point straight at the way in."
                        ),
                        callout(
                            "tip",
                            "Prioritize. Internet-facing systems and anything in CISA's Known Exploited "
                            "Vulnerabilities catalog come first. Agree patch time targets (for example, critical fixes "
                            "within days) with system owners before an emergency, not during one.",
                        ),
                    ],
                },
            ],
        },
    ],
}


# --- SOC Analyst Foundations -----------------------------------------------------------------

SOC_ANALYST_FOUNDATIONS = {
    "slug": "soc-analyst-foundations",
    "title": "SOC Analyst Foundations",
    "summary": "Work like a security operations center analyst: collect the right logs, triage alerts, map "
    "activity to MITRE ATT&CK, write Sigma detections and handle an incident end to end.",
    "description": _html(
        (
            "This cohort course prepares you for a first role in a security operations center. You will learn "
            "what a SOC does and how it measures itself, which log sources matter, how to triage an alert "
            "consistently, how to describe attacker behavior with MITRE ATT&amp;CK, how to write portable "
            "detections in Sigma, and how to run and write up an incident following NIST guidance.",
            "<h3>What you will learn</h3>",
            bullets(
                "Name the log sources and Windows event IDs every analyst relies on",
                "Triage an alert with a repeatable set of questions and document the decision",
                "Map detections and incidents to ATT&amp;CK tactics and techniques",
                "Contain an incident while preserving evidence, and write the report",
            ),
            "<h3>Before you start</h3>",
            "Complete <b>Security Fundamentals</b> and <b>Networking for Defenders</b> first. Seats are limited "
            "because each cohort works through live exercises together.",
        )
    ),
    "level": "intermediate",
    "estimated_hours": 16,
    "price": "0",
    "capacity": 25,
    "tags": ["soc", "blue-team", "incident-response"],
    "competencies": ["PD-WRL-001", "PD-WRL-003", "PD-WRL-006"],
    "instructors": [INSTRUCTOR],
    "prerequisites": ["security-fundamentals", "networking-for-defenders"],
    "modules": [
        {
            "slug": "inside-the-soc",
            "title": "Inside the security operations center",
            "summary": "What a SOC does all day, and the telemetry it depends on.",
            "objectives": bullets(
                "Describe the SOC workflow and the roles in each tier",
                "Choose log sources that cover identity, endpoints, network and cloud",
                "Recognize the Windows Security events used most in investigations",
            ),
            "lessons": [
                {
                    "slug": "what-a-soc-does",
                    "title": "What a SOC does",
                    "estimated_minutes": 15,
                    "is_preview": True,
                    "body": [
                        text(
                            "A security operations center (SOC) monitors an organization's systems around the clock, "
                            "detects attacks and coordinates the response. Whether it is five people in one room or a "
                            "managed service spread over three continents, the work follows the same loop: collect "
                            "telemetry, detect suspicious activity, triage alerts, investigate, respond, and improve "
                            "the detections with what was learned."
                        ),
                        heading("Tiers and roles"),
                        text(
                            "Many SOCs organize analysts in tiers. <b>Tier 1</b> analysts triage incoming alerts: "
                            "following playbooks, they decide quickly whether an alert is a false positive, benign, or "
                            "needs investigation. <b>Tier 2</b> analysts investigate escalated cases in depth and lead "
                            "containment. <b>Tier 3</b> specialists hunt for threats no alert caught, analyze malware "
                            "and build new detections. Detection engineers and SOC managers keep the whole machine "
                            "tuned and staffed."
                        ),
                        heading("How a SOC measures itself"),
                        text(
                            bullets(
                                "<b>Mean time to detect</b> (MTTD): from the start of malicious activity to an alert",
                                "<b>Mean time to respond</b> (MTTR): from the alert to containment",
                                "<b>False positive rate</b> per detection rule",
                                "<b>Coverage</b>: which attacker techniques the detections can see at all",
                            )
                        ),
                        callout(
                            "tip",
                            "Alert fatigue is the SOC's worst enemy. A rule that fires 500 times a day and is always "
                            "benign trains analysts to ignore it, including on the day it matters. Tune it or retire it.",
                        ),
                    ],
                },
                {
                    "slug": "log-sources-and-the-siem",
                    "title": "Log sources and the SIEM",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "A SIEM (security information and event management system) collects logs from many "
                            "sources, normalizes them into common fields, stores them for searching and runs detection "
                            "rules across all of them. Splunk, Microsoft Sentinel, Elastic Security and the open-source "
                            "Wazuh are common examples. Detection can only ever be as good as the logs you collect.",
                            bullets(
                                "<b>Identity</b>: domain controllers, cloud identity provider sign-in logs",
                                "<b>Endpoints</b>: EDR telemetry, Windows Security and Sysmon logs, Linux auth and audit logs",
                                "<b>Network</b>: firewall, web proxy, DNS and VPN logs",
                                "<b>Cloud</b>: control-plane audit logs such as AWS CloudTrail",
                                "<b>Applications</b>: web servers, databases and business applications",
                            ),
                        ),
                        heading("Windows events every analyst knows", level="h3"),
                        code(
                            """
                            4624  An account was successfully logged on   (logon type 2 interactive, 3 network, 10 remote desktop)
                            4625  An account failed to log on
                            4672  Special privileges assigned to new logon (an administrator-equivalent logon)
                            4688  A new process has been created          (enable command-line auditing to see arguments)
                            4720  A user account was created
                            4728  A member was added to a security-enabled global group
                            4732  A member was added to a security-enabled local group
                            1102  The audit log was cleared
                            """,
                            language="text",
                            caption="Windows Security log event IDs",
                        ),
                        text(
                            "Normalization matters: a failed login is event 4625 on Windows, a <code>Failed "
                            "password</code> line on Linux and a failure code in a cloud sign-in log. Mapping them all "
                            "to the same fields (user, source address, outcome) lets one detection rule cover every "
                            "system."
                        ),
                        code(
                            """
                            {
                              "@timestamp": "2025-05-06T03:12:44Z",
                              "event": {"category": "authentication", "outcome": "failure"},
                              "user": {"name": "root"},
                              "source": {"ip": "203.0.113.45"},
                              "host": {"name": "web01"},
                              "process": {"name": "sshd"}
                            }
                            """,
                            language="json",
                            caption="The sshd failure from the Linux course, normalized to Elastic Common Schema field names",
                        ),
                        callout(
                            "note",
                            "Store and compare every timestamp in UTC. A remarkable share of confusion in "
                            "investigations comes from logs written in different time zones.",
                            title="Time",
                        ),
                    ],
                },
            ],
        },
        {
            "slug": "triage-and-detection",
            "title": "Triage and detection",
            "summary": "Decide what an alert means, describe it in ATT&CK terms and turn lessons into detections.",
            "objectives": bullets(
                "Triage an alert with a repeatable set of questions",
                "Map observed activity to MITRE ATT&amp;CK techniques",
                "Write and convert a Sigma detection rule",
            ),
            "lessons": [
                {
                    "slug": "triaging-an-alert",
                    "title": "Triaging an alert",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "Triage decides, quickly and consistently, what an alert means. Understand what the rule "
                            "detects and why it fired; gather context about the user, host and addresses involved; "
                            "decide whether the activity is malicious, suspicious or benign; then either close the "
                            "alert with a note or escalate it with your findings. Five questions cover most alerts:",
                            numbered(
                                "What exactly happened, and when (in UTC)?",
                                "Which user and which host are involved, and how critical are they?",
                                "Is the source known (VPN, office, vulnerability scanner) or new?",
                                "Did anything succeed, or were there only failures?",
                                "What happened on the host just before and just after?",
                            ),
                        ),
                        heading("Example: a brute-force alert"),
                        text(
                            "The rule <i>more than 20 failed logons from one source in 10 minutes</i> fires for "
                            "203.0.113.45. You search all activity from that address in the last 24 hours, count "
                            "failures by target account and, most importantly, look for successes."
                        ),
                        code(
                            """
                            index=wineventlog (EventCode=4625 OR EventCode=4624) src_ip="203.0.113.45" earliest=-24h
                            | stats count(eval(EventCode=4625)) AS failures, count(eval(EventCode=4624)) AS successes,
                                    values(user) AS accounts BY src_ip
                            """,
                            language="text",
                            caption="Splunk search language (SPL); every SIEM has an equivalent query",
                        ),
                        text(
                            "Only failures, against many accounts that do not exist, from an internet address: a "
                            "routine brute-force attempt. Block the address if your policy allows and close the alert "
                            "as a true positive with no impact. A success after many failures: a possible "
                            "compromise. Escalate at once, disable or reset the account, revoke its sessions and "
                            "review what that session did."
                        ),
                        callout(
                            "tip",
                            "Every closed alert needs a short note: what you checked, what you found and why you "
                            "closed it. The next analyst, or an auditor, must be able to follow your reasoning.",
                            title="Write it down",
                        ),
                    ],
                },
                {
                    "slug": "mapping-to-mitre-attack",
                    "title": "Mapping activity to MITRE ATT&CK",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "MITRE ATT&amp;CK is a public knowledge base of adversary behavior observed in real "
                            "attacks. <b>Tactics</b> are the attacker's goals, such as Initial Access, Execution, "
                            "Persistence, Privilege Escalation, Defense Evasion, Credential Access, Discovery, Lateral "
                            "Movement, Collection, Command and Control, Exfiltration and Impact. <b>Techniques</b> are "
                            "the ways they achieve those goals, each with an ID you can look up at attack.mitre.org.",
                            bullets(
                                "<b>T1566</b> Phishing (Initial Access)",
                                "<b>T1110</b> Brute Force, with sub-technique <b>T1110.003</b> Password Spraying "
                                "(Credential Access)",
                                "<b>T1078</b> Valid Accounts (used for several tactics, from Initial Access to "
                                "Persistence)",
                                "<b>T1059.001</b> Command and Scripting Interpreter: PowerShell (Execution)",
                                "<b>T1053.005</b> Scheduled Task/Job: Scheduled Task (Persistence)",
                                "<b>T1486</b> Data Encrypted for Impact (Impact): ransomware",
                            ),
                        ),
                        text(
                            "Mapping alerts, incidents and detection rules to ATT&amp;CK gives the team a shared "
                            'language ("password spraying, T1110.003, followed by a valid-account login, T1078, from '
                            'the same address") and shows coverage gaps: if none of your rules detects any '
                            "Persistence technique, you know where to invest next."
                        ),
                        callout(
                            "note",
                            "ATT&amp;CK also describes Reconnaissance and Resource Development, tactics that happen "
                            "before initial access and mostly outside your network, where threat intelligence rather "
                            "than your own logs is the main source.",
                        ),
                    ],
                },
                {
                    "slug": "writing-detections-with-sigma",
                    "title": "Writing detections with Sigma",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "Sigma is an open, vendor-neutral format for detection rules, written in YAML. A rule "
                            "says which kind of log to search and what to match; converters translate it into the "
                            "query languages of Splunk, Elastic, Microsoft Sentinel and others, so one rule can follow "
                            "you from one SIEM to the next."
                        ),
                        code(
                            r"""
                            title: Whoami Run By a Web Server Process
                            id: 73fdd2da-2ed2-403d-980d-bff50e63f7a4
                            status: experimental
                            description: Detects whoami started by a web server process, a common first command after a web shell is planted.
                            references:
                              - https://attack.mitre.org/techniques/T1033/
                            tags:
                              - attack.discovery
                              - attack.t1033
                            logsource:
                              category: process_creation
                              product: windows
                            detection:
                              selection_parent:
                                ParentImage|endswith:
                                  - '\w3wp.exe'
                                  - '\httpd.exe'
                                  - '\tomcat9.exe'
                              selection_child:
                                Image|endswith: '\whoami.exe'
                              condition: selection_parent and selection_child
                            falsepositives:
                              - Administrators troubleshooting application pools (rare)
                            level: high
                            """,
                            language="yaml",
                            caption="whoami_web_server.yml",
                        ),
                        code(
                            """
                            pip install sigma-cli
                            sigma plugin install splunk
                            sigma convert -t splunk -p sysmon whoami_web_server.yml
                            """,
                            caption="Converting the rule into a Splunk search for Sysmon data",
                        ),
                        text(
                            "Good detections are specific enough to act on, but not so narrow that one changed "
                            "character bypasses them. Test every rule against real data (attack samples and a week of "
                            "normal activity), record the expected false positives, and keep your rules in version "
                            "control with a review for every change, exactly like code."
                        ),
                        callout(
                            "tip",
                            "The SigmaHQ repository on GitHub holds thousands of community rules. Reading them is one "
                            "of the fastest ways to learn how experienced detection engineers think.",
                        ),
                    ],
                },
            ],
        },
        {
            "slug": "incident-response",
            "title": "Incident response",
            "summary": "From the first alert to the final report: contain, preserve evidence, recover and learn.",
            "objectives": bullets(
                "Describe the phases of the NIST incident response lifecycle",
                "Contain a compromised host while preserving volatile evidence",
                "Write an incident report with a UTC timeline and tracked actions",
            ),
            "lessons": [
                {
                    "slug": "the-incident-response-lifecycle",
                    "title": "The incident response lifecycle",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "NIST SP 800-61 describes incident handling as a lifecycle of four phases. Revision 3, "
                            "published in 2025, reorganizes the guidance around the functions of the NIST "
                            "Cybersecurity Framework 2.0, but the same activities remain, and the phases are still "
                            "the common vocabulary of incident responders.",
                            numbered(
                                "<b>Preparation</b>: the team, tools, playbooks, contacts and logging in place before "
                                "anything happens.",
                                "<b>Detection and analysis</b>: recognizing an incident, determining its scope and "
                                "priority, and documenting what is known.",
                                "<b>Containment, eradication and recovery</b>: stopping the spread, removing the "
                                "attacker's access and tools, and restoring normal service safely.",
                                "<b>Post-incident activity</b>: the review, the lessons learned and the improvements.",
                            ),
                        ),
                        text(
                            "The phases overlap and loop: what you learn while containing an attacker often sends you "
                            "back to analysis. Preparation decides how well everything else goes. Who is on the team "
                            "and how do you reach them at 3 a.m.? Who may authorize taking a business system offline? "
                            "Where are the playbooks? How will you communicate if email itself is compromised? Are the "
                            "logs you will need actually being kept, and for how long?"
                        ),
                        callout(
                            "warning",
                            "Investigating from a compromised account, or discussing the incident over a compromised "
                            "email system, can warn attackers to hide, destroy evidence or accelerate. Use out-of-band "
                            "communication until you know what is affected.",
                            title="Do not tip off the attacker",
                        ),
                    ],
                },
                {
                    "slug": "containment-and-evidence",
                    "title": "Containment and evidence",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "Containment stops the damage from spreading while preserving what you need to understand "
                            "the incident. Typical actions: isolate a host through the EDR tool (which keeps the agent "
                            "connected so you can still investigate), disable or reset compromised accounts and revoke "
                            "their sessions and tokens, block malicious domains and addresses, and take a compromised "
                            "service offline if the business agrees."
                        ),
                        heading("Order of volatility"),
                        text(
                            "Evidence disappears at different speeds. RFC 3227 recommends collecting the most volatile "
                            "first: registers and cache; then memory, the routing and ARP tables, the process table and "
                            "network connections; then temporary files; then disk; then remote logs; and finally "
                            "archived media. Pulling the power cord destroys everything in memory, often including the "
                            "attacker's tools and encryption keys."
                        ),
                        code(
                            """
                            # Minimal live response on a Linux host: write the output to external media, not the host's disk
                            OUT="/mnt/usb/ir-$(hostname)-$(date -u +%Y%m%dT%H%M%SZ).txt"
                            {
                              date -u; hostname; uptime; who -a
                              ps auxwwf
                              ss -tanp
                              ip addr; ip route; ip neigh
                              ls -la /tmp /var/tmp /dev/shm
                            } > "$OUT" 2>&1
                            sha256sum "$OUT" >> /mnt/usb/ir-hashes.sha256
                            """,
                            caption="Run as root so that ss and ps can see every process",
                        ),
                        text(
                            "Record every action with its UTC time, who performed it and why. Hash evidence files "
                            "when you collect them and keep a <b>chain of custody</b>: who held each item, when, and "
                            "what they did with it. If the incident could end up in court or with a regulator, "
                            "involve legal counsel early."
                        ),
                        callout(
                            "tip",
                            "Memory capture tools, such as LiME for Linux or WinPmem for Windows, should be prepared "
                            "and tested before an incident, not downloaded onto the compromised host during one.",
                        ),
                    ],
                },
                {
                    "slug": "writing-the-incident-report",
                    "title": "Writing the incident report",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "An incident is not finished until it is written up. The report serves several readers: "
                            "executives need the impact and the decisions in one paragraph, engineers need the "
                            "timeline and the root cause, and auditors need evidence that the process was followed."
                        ),
                        code(
                            """
                            INCIDENT REPORT IR-2025-014                                        TLP:AMBER
                            Summary    A phishing email led to the compromise of one mailbox; the attacker added
                                       a rule forwarding invoices outside the company. No evidence of access to
                                       other systems. Contained 55 minutes after detection.
                            Severity   Medium
                            Timeline (UTC)
                              2025-05-06 08:41  Phishing email delivered to 37 users (look-alike supplier domain)
                              2025-05-06 09:02  User j.doe enters credentials on the fake login page
                              2025-05-06 09:05  Sign-in from 203.0.113.45; push MFA prompt approved by the user
                              2025-05-06 09:07  Inbox rule forwards invoice emails to an external address
                              2025-05-06 11:30  Alert: new external forwarding rule; SOC triage begins
                              2025-05-06 12:25  Sessions revoked, password reset, rule removed: contained
                            Root cause Push MFA without number matching; external auto-forwarding allowed
                            Impact     12 invoice emails forwarded externally; the supplier has been notified
                            Actions    [done] Block automatic forwarding to external domains
                                       [open] Number matching for push MFA (owner: IAM team, due 2025-05-20)
                                       [open] Phishing refresher for the finance team (owner: security awareness)
                            Lessons    Detection took 2 h 23 min: the forwarding-rule alert should page on-call
                            """,
                            language="text",
                            caption="A one-page incident report",
                        ),
                        text(
                            "Hold a blameless post-incident review within a couple of weeks. Focus on how systems and "
                            "processes allowed the incident, not on who clicked. Track each action with an owner and a "
                            "due date, and turn what you learned into new or better detections: closing that loop is "
                            "what makes the next incident smaller."
                        ),
                        callout(
                            "note",
                            "Traffic Light Protocol labels (TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT and "
                            "TLP:RED), defined by FIRST, tell recipients how widely they may share a report.",
                            title="Traffic Light Protocol",
                        ),
                    ],
                },
            ],
        },
    ],
}


# --- Web Application Security ----------------------------------------------------------------

WEB_APPLICATION_SECURITY = {
    "slug": "web-application-security",
    "title": "Web Application Security",
    "summary": "Find and fix the vulnerabilities behind most web breaches: injection, cross-site scripting, "
    "broken access control and insecure configuration.",
    "description": _html(
        (
            "For developers, testers and defenders who want to understand how web applications are attacked and "
            "how to build them so they are not. Each vulnerability is shown in real code, exploited, and then "
            "fixed the way experienced teams fix it: at the root, with secure defaults.",
            "<h3>What you will learn</h3>",
            bullets(
                "Explain sessions and cookie attributes, and the OWASP Top 10",
                "Fix SQL injection with parameterized queries and command injection without a shell",
                "Prevent cross-site scripting with output encoding and a Content Security Policy",
                "Enforce object-level access control and configure security headers",
                "Add SAST, dependency scanning and DAST to a development workflow",
            ),
            "<h3>Before you start</h3>",
            "Complete <b>Security Fundamentals</b>. Reading basic Python helps; the examples are short.",
        )
    ),
    "level": "intermediate",
    "estimated_hours": 14,
    "price": "0",
    "capacity": None,
    "tags": ["web", "appsec", "owasp"],
    "competencies": ["DD-WRL-003", "DD-WRL-005", "PD-WRL-007"],
    "instructors": [INSTRUCTOR_2],
    "prerequisites": ["security-fundamentals"],
    "modules": [
        {
            "slug": "how-web-applications-work",
            "title": "How web applications work",
            "summary": "Requests, sessions and cookies, and the risks that matter most, from the OWASP Top 10.",
            "objectives": bullets(
                "Explain how a session cookie identifies a user and which attributes protect it",
                "Name the OWASP Top 10 categories and what each one covers",
            ),
            "lessons": [
                {
                    "slug": "requests-cookies-and-sessions",
                    "title": "Requests, cookies and sessions",
                    "estimated_minutes": 20,
                    "is_preview": True,
                    "body": [
                        text(
                            "HTTP is stateless: each request stands alone. Web applications remember who you are with "
                            "a <b>session</b>. After you log in, the server creates a random session identifier, stores "
                            "your identity against it and sends the identifier to your browser in a cookie, which the "
                            "browser returns with every following request. To the application, whoever holds that "
                            "identifier is you, so protecting it matters as much as protecting the password."
                        ),
                        code(
                            """
                            POST /login HTTP/1.1
                            Host: app.example.com
                            Content-Type: application/x-www-form-urlencoded

                            email=sam%40example.com&password=...

                            HTTP/1.1 302 Found
                            Location: /dashboard
                            Set-Cookie: sessionid=k3v9...Qz; Path=/; Secure; HttpOnly; SameSite=Lax
                            """,
                            language="http",
                            caption="A login request and the response that sets the session cookie",
                        ),
                        heading("Cookie attributes that protect the session"),
                        text(
                            bullets(
                                "<b>Secure</b>: the cookie is only ever sent over HTTPS.",
                                "<b>HttpOnly</b>: JavaScript cannot read the cookie, so a cross-site scripting bug "
                                "cannot simply copy it.",
                                "<b>SameSite=Lax</b> or <b>Strict</b>: the browser leaves the cookie off most "
                                "cross-site requests, which blunts cross-site request forgery (CSRF).",
                                "A short lifetime, and a new identifier at every login, which prevents session "
                                "fixation.",
                            )
                        ),
                        callout(
                            "tip",
                            "Open your browser's developer tools (F12), select the Network tab and log in to a site "
                            "you use. Find the <code>Set-Cookie</code> header and check which attributes it sets.",
                        ),
                    ],
                },
                {
                    "slug": "the-owasp-top-10",
                    "title": "The OWASP Top 10",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "The OWASP Top 10 is a consensus list of the most critical security risks to web "
                            "applications, built from data about real applications. The 2021 edition:",
                            numbered(
                                "A01 Broken Access Control",
                                "A02 Cryptographic Failures",
                                "A03 Injection (including cross-site scripting)",
                                "A04 Insecure Design",
                                "A05 Security Misconfiguration",
                                "A06 Vulnerable and Outdated Components",
                                "A07 Identification and Authentication Failures",
                                "A08 Software and Data Integrity Failures",
                                "A09 Security Logging and Monitoring Failures",
                                "A10 Server-Side Request Forgery (SSRF)",
                            ),
                        ),
                        text(
                            "Notice that the top entry is not a clever exploit but missing authorization checks, and "
                            "that several entries (insecure design, misconfiguration, outdated components, missing "
                            "logging) are failures of process rather than coding mistakes. The list is an awareness "
                            "document, not a complete standard: for requirements you can design and test against, use "
                            "the OWASP Application Security Verification Standard (ASVS)."
                        ),
                        callout(
                            "note",
                            "OWASP revises the list every few years and categories move up, down and merge. The "
                            "techniques in this course apply whatever the edition; check owasp.org for the current one.",
                        ),
                    ],
                },
            ],
        },
        {
            "slug": "injection",
            "title": "Injection",
            "summary": "When input becomes code: SQL injection, cross-site scripting and command injection.",
            "objectives": bullets(
                "Exploit and fix a SQL injection with parameterized queries",
                "Prevent cross-site scripting with context-aware output encoding and CSP",
                "Run external programs without a shell to prevent command injection",
            ),
            "lessons": [
                {
                    "slug": "sql-injection",
                    "title": "SQL injection",
                    "estimated_minutes": 30,
                    "body": [
                        text(
                            "SQL injection happens when user input is pasted into the text of a SQL query, so the "
                            "input can change the query's structure. It has been understood for more than 25 years "
                            "and still appears in new code, because string formatting is the most obvious way to "
                            "build a query."
                        ),
                        code(
                            """
                            import sqlite3

                            def find_user(conn: sqlite3.Connection, email: str):
                                # VULNERABLE: the input becomes part of the SQL text
                                query = f"SELECT id, email, role FROM users WHERE email = '{email}'"
                                return conn.execute(query).fetchall()
                            """,
                            language="python",
                            caption="Vulnerable",
                        ),
                        text(
                            "Given the input <code>' OR '1'='1</code>, the query becomes <code>SELECT id, email, role "
                            "FROM users WHERE email = '' OR '1'='1'</code>, which is true for every row, so it returns "
                            "every user. Other inputs read other tables with <code>UNION SELECT</code> or, on some "
                            "databases, change data or run operating system commands."
                        ),
                        code(
                            """
                            def find_user(conn: sqlite3.Connection, email: str):
                                # SAFE: the query text is fixed; the value is sent separately as a parameter
                                query = "SELECT id, email, role FROM users WHERE email = ?"
                                return conn.execute(query, (email,)).fetchall()
                            """,
                            language="python",
                            caption="Fixed with a parameterized query",
                        ),
                        text(
                            "Parameterized queries (prepared statements) fix the problem at its root: the database "
                            "receives the structure of the query and the values separately, so no value can ever be "
                            "interpreted as SQL. The placeholder differs by driver (<code>?</code> for sqlite3, "
                            "<code>%s</code> for psycopg), the principle does not. ORMs such as Django's and "
                            "SQLAlchemy parameterize for you, until someone uses a raw-SQL escape hatch with string "
                            "formatting."
                        ),
                        callout(
                            "warning",
                            "Escaping quotes by hand or blocking words such as SELECT is not a fix; attackers have "
                            "decades of bypasses. Use parameters, and an allow-list for the parts of a query that "
                            "cannot be parameterized, such as a column name in ORDER BY.",
                        ),
                    ],
                },
                {
                    "slug": "cross-site-scripting",
                    "title": "Cross-site scripting (XSS)",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "Cross-site scripting lets an attacker run their JavaScript in another user's browser, "
                            "in the context of your site. The script can read the page, act as the user and send data "
                            "anywhere. <b>Stored</b> XSS saves the payload, for example in a comment or a profile "
                            "name, and serves it to everyone who views it; <b>reflected</b> XSS bounces it off a "
                            "request parameter in a crafted link; <b>DOM-based</b> XSS happens entirely in client-side "
                            "JavaScript."
                        ),
                        code(
                            """
                            from html import escape

                            def greeting_unsafe(name: str) -> str:
                                return f"<p>Hello, {name}!</p>"          # VULNERABLE

                            def greeting(name: str) -> str:
                                return f"<p>Hello, {escape(name)}!</p>"  # & < > " ' become HTML entities

                            print(greeting("<script>alert(1)</script>"))
                            # <p>Hello, &lt;script&gt;alert(1)&lt;/script&gt;!</p>
                            """,
                            language="python",
                        ),
                        text(
                            "The defense is <b>context-aware output encoding</b>: whenever untrusted data is written "
                            "into a page, encode it for the place it lands (HTML text, an attribute, a URL, "
                            "JavaScript). Template engines such as Django templates and Jinja2 with autoescaping do "
                            "this automatically, so XSS usually returns through the escape hatches: "
                            "<code>|safe</code>, <code>mark_safe</code>, <code>innerHTML</code> and React's "
                            "<code>dangerouslySetInnerHTML</code>. In browser code, prefer <code>textContent</code> to "
                            "<code>innerHTML</code>."
                        ),
                        heading("Defense in depth: Content Security Policy", level="h3"),
                        code(
                            "Content-Security-Policy: default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
                            language="http",
                        ),
                        text(
                            "A Content Security Policy tells the browser which sources of script it may run. Without "
                            "<code>'unsafe-inline'</code>, an injected <code>&lt;script&gt;</code> block does not run "
                            "even where encoding was missed. Session cookies marked HttpOnly further limit what a "
                            "successful XSS can steal."
                        ),
                        callout(
                            "tip",
                            "When you review code, search for the escape hatches first. Each one is a place where a "
                            "developer told the framework to trust data; check where that data comes from.",
                        ),
                    ],
                },
                {
                    "slug": "command-injection",
                    "title": "Command injection",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "Command injection is SQL injection's cousin: input pasted into a shell command line. The "
                            "shell gives special meaning to <code>;</code>, <code>|</code>, <code>&amp;</code>, "
                            "<code>$( )</code> and backticks, so input such as <code>8.8.8.8; cat /etc/passwd</code> "
                            "runs a second command with the application's privileges."
                        ),
                        code(
                            """
                            import ipaddress
                            import subprocess

                            def ping_unsafe(host: str) -> str:
                                # VULNERABLE: the whole string is parsed by /bin/sh
                                return subprocess.run(f"ping -c 1 {host}", shell=True, capture_output=True, text=True).stdout

                            def ping(host: str) -> str:
                                address = ipaddress.ip_address(host)  # raises ValueError for anything but an IP address
                                # SAFE: no shell; the address is a single argument whatever it contains
                                result = subprocess.run(["ping", "-c", "1", str(address)], capture_output=True, text=True, timeout=5)
                                return result.stdout
                            """,
                            language="python",
                        ),
                        text(
                            "Passing a list of arguments without a shell means metacharacters have no special meaning "
                            "at all. Validating the input on top, here by parsing it as an IP address, also stops "
                            "<i>argument injection</i>: a value starting with a dash that the program would read as an "
                            "option. Better still, use a library call instead of an external program whenever one "
                            "exists."
                        ),
                        callout(
                            "tip",
                            "Search your codebase for <code>shell=True</code>, <code>os.system</code>, "
                            "<code>eval</code> and <code>exec</code>, and their equivalents in other languages. Each "
                            "one is a place to check how input reaches it.",
                        ),
                    ],
                },
            ],
        },
        {
            "slug": "access-control-and-secure-defaults",
            "title": "Access control and secure defaults",
            "summary": "Authorization on every request, safe configuration, and testing as part of development.",
            "objectives": bullets(
                "Find and fix an insecure direct object reference",
                "Configure security headers on a web server and verify them",
                "Combine SAST, dependency scanning and DAST in a development workflow",
            ),
            "lessons": [
                {
                    "slug": "broken-access-control",
                    "title": "Broken access control and IDOR",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "Broken access control tops the OWASP Top 10. Its most common form is the "
                            "<b>insecure direct object reference</b> (IDOR): the application checks that you are "
                            "logged in, but not that the object you ask for is yours. Change /invoices/1043 to "
                            "/invoices/1044 in the address bar and you read somebody else's invoice."
                        ),
                        code(
                            """
                            from django.contrib.auth.decorators import login_required
                            from django.shortcuts import get_object_or_404, render

                            from billing.models import Invoice


                            @login_required
                            def invoice_detail_unsafe(request, pk):
                                invoice = get_object_or_404(Invoice, pk=pk)  # VULNERABLE: any user, any invoice
                                return render(request, "billing/invoice.html", {"invoice": invoice})


                            @login_required
                            def invoice_detail(request, pk):
                                invoice = get_object_or_404(Invoice, pk=pk, owner=request.user)  # only your own
                                return render(request, "billing/invoice.html", {"invoice": invoice})
                            """,
                            language="python",
                            caption="Django: the fix is one extra condition in the lookup",
                        ),
                        text(
                            "Filtering the lookup by owner makes another user's invoice simply <i>not found</i>: the "
                            "response is a 404, which reveals nothing, not even that invoice 1044 exists. Enforce "
                            "authorization on the server for every request, deny by default, and keep the rules in a "
                            "few well-tested functions rather than scattered through views. Random identifiers such as "
                            "UUIDs make guessing harder, but they are not access control."
                        ),
                        callout(
                            "warning",
                            "Hiding a button in the user interface is not access control. Attackers call your API "
                            "directly, so every endpoint must check permissions itself.",
                        ),
                    ],
                },
                {
                    "slug": "security-headers-and-configuration",
                    "title": "Security headers and secure configuration",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "Many web vulnerabilities are closed by configuration rather than code. Response headers "
                            "switch on protections in the browser:",
                            bullets(
                                "<b>Strict-Transport-Security</b> (HSTS): always use HTTPS for this site, even if a "
                                "link says http://",
                                "<b>Content-Security-Policy</b>: which sources of script, style and frames are "
                                "allowed; its <code>frame-ancestors</code> directive prevents clickjacking",
                                "<b>X-Content-Type-Options: nosniff</b>: do not guess content types, so an uploaded "
                                "file cannot be run as a script",
                                "<b>Referrer-Policy</b>: how much of the current address is sent to other sites",
                            ),
                        ),
                        code(
                            """
                            server {
                                listen 443 ssl;
                                server_name app.example.com;
                                ssl_certificate     /etc/ssl/app.example.com/fullchain.pem;
                                ssl_certificate_key /etc/ssl/app.example.com/privkey.pem;

                                add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
                                add_header Content-Security-Policy "default-src 'self'; object-src 'none'; frame-ancestors 'none'" always;
                                add_header X-Content-Type-Options "nosniff" always;
                                add_header Referrer-Policy "strict-origin-when-cross-origin" always;

                                server_tokens off;  # do not advertise the nginx version
                            }
                            """,
                            language="nginx",
                        ),
                        code(
                            "curl -sI https://app.example.com/ | grep -iE 'strict-transport|content-security|x-content-type|referrer-policy'",
                            caption="Check which headers a site actually sends",
                        ),
                        text(
                            "Configuration hygiene matters as much: turn off debug mode and detailed error pages in "
                            "production (a Django error page with DEBUG on shows settings and source code), remove "
                            "default accounts and sample applications, keep frameworks and libraries patched, and "
                            "never commit secrets to the repository; read them from the environment or a secrets "
                            "manager."
                        ),
                        callout(
                            "tip",
                            "Mozilla's HTTP Observatory checks a public site's headers and explains every finding.",
                        ),
                    ],
                },
                {
                    "slug": "testing-your-own-application",
                    "title": "Testing your own application",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "Security testing belongs in the development process, not in an annual event. Combine "
                            "three kinds of tools: <b>static analysis</b> (SAST) reads source code for dangerous "
                            "patterns, <b>software composition analysis</b> (SCA) checks your dependencies against "
                            "known vulnerabilities, and <b>dynamic testing</b> (DAST) probes the running application "
                            "from the outside."
                        ),
                        code(
                            """
                            # SAST for Python: risky calls such as shell=True, pickle or weak hashes
                            pip install bandit
                            bandit -r src/
                            # SCA: known vulnerabilities in the project's Python dependencies
                            pip install pip-audit
                            pip-audit -r requirements.txt
                            # DAST: OWASP ZAP baseline scan (passive checks only) against staging
                            docker run --rm -t ghcr.io/zaproxy/zaproxy:stable zap-baseline.py -t https://staging.example.com
                            """
                        ),
                        text(
                            "Automated tools find the common, pattern-shaped bugs. Business-logic flaws, such as "
                            "applying the same discount code twice or skipping the payment step of a checkout, need "
                            "people: threat modeling during design, code review with security in mind, and manual "
                            "testing by someone who thinks like an attacker."
                        ),
                        callout(
                            "warning",
                            "Run dynamic scans only against systems you own or have written permission to test, and "
                            "prefer a staging environment: active scans submit forms and can create or delete data.",
                            title="Authorization first",
                        ),
                    ],
                },
            ],
        },
    ],
}


# --- Cloud Security Essentials ---------------------------------------------------------------

CLOUD_SECURITY_ESSENTIALS = {
    "slug": "cloud-security-essentials",
    "title": "Cloud Security Essentials",
    "summary": "Secure an AWS environment the way attackers test it: identities and keys, storage exposure, "
    "encryption, audit logging, network exposure and infrastructure as code.",
    "description": _html(
        (
            "Most cloud breaches are not exotic: a public bucket, a leaked access key, a role that can do far too "
            "much, a forgotten port open to the internet. This course teaches you to find and fix those problems "
            "with the AWS command line, and to keep them fixed with logging, detection and checks on "
            "infrastructure code. The principles carry over to Azure and Google Cloud.",
            "<h3>What you will learn</h3>",
            bullets(
                "Apply the shared responsibility model to IaaS, PaaS and SaaS services",
                "Write least-privilege IAM policies and retire long-lived access keys",
                "Audit and lock down S3 buckets; manage encryption keys with KMS",
                "Hunt through CloudTrail, tighten security groups and scan Terraform before it ships",
            ),
            "<h3>Before you start</h3>",
            "Complete <b>Linux for Security</b> and <b>Networking for Defenders</b>. You will need an AWS account "
            "of your own for practice; keep it separate from any work account.",
        )
    ),
    "level": "advanced",
    "estimated_hours": 12,
    "price": "149.00",
    "capacity": None,
    "tags": ["cloud", "aws", "iam"],
    "competencies": ["DD-WRL-001", "IO-WRL-006", "OG-WRL-014", "PD-WRL-001"],
    "instructors": [INSTRUCTOR_2],
    "prerequisites": ["linux-for-security", "networking-for-defenders"],
    "modules": [
        {
            "slug": "shared-responsibility-and-identity",
            "title": "Shared responsibility and identity",
            "summary": "Who secures what in the cloud, and why identity is the control that matters most.",
            "objectives": bullets(
                "Place common controls on the provider's or the customer's side of the line",
                "Write a least-privilege IAM policy scoped to specific resources",
                "Find long-lived access keys and check when they were last used",
            ),
            "lessons": [
                {
                    "slug": "the-shared-responsibility-model",
                    "title": "The shared responsibility model",
                    "estimated_minutes": 15,
                    "is_preview": True,
                    "body": [
                        text(
                            "In the cloud, security is split between the provider and the customer. The provider "
                            "secures <i>the cloud itself</i>: data centers, hardware, the hypervisor and the "
                            "infrastructure under its managed services. The customer secures <i>what they put in the "
                            "cloud</i>: their data, identities and access policies, and the configuration of every "
                            "service they use. Where exactly the line falls depends on the service model.",
                            bullets(
                                "<b>IaaS</b>, such as virtual machines: you patch the operating system, configure its "
                                "firewall and secure everything that runs on it.",
                                "<b>PaaS</b>, such as managed databases and serverless functions: the provider patches "
                                "the platform; you still own access control, network exposure and your code.",
                                "<b>SaaS</b>, such as email or a CRM: the provider runs almost everything; you own the "
                                "user accounts, MFA, sharing settings and your data.",
                            ),
                        ),
                        text(
                            "Most cloud breaches happen on the customer's side of the line: storage left publicly "
                            "readable, leaked access keys, over-privileged roles and unpatched internet-facing "
                            "instances. Failures of the provider's own infrastructure are rare by comparison."
                        ),
                        callout(
                            "note",
                            "This course uses AWS for its examples because its command line is widely documented. "
                            "Azure and Google Cloud have equivalent services, and the same principles apply.",
                        ),
                    ],
                },
                {
                    "slug": "identity-is-the-perimeter",
                    "title": "Identity is the perimeter",
                    "estimated_minutes": 30,
                    "body": [
                        text(
                            "In the cloud every action is an API call, and every API call is authorized by identity "
                            "and access management (IAM). Whoever holds valid credentials with the right permissions "
                            "can read your data or delete your infrastructure from anywhere in the world, with no "
                            "network access needed. That makes IAM the most important control you configure.",
                            bullets(
                                "Protect the root user: turn on MFA, create no access keys for it, and use it only "
                                "for the few tasks that require it.",
                                "Prefer roles with temporary credentials (IAM Identity Center for people, instance "
                                "profiles and workload roles for software) to long-lived access keys.",
                                "Grant least privilege: specific actions on specific resources. Start narrow and widen "
                                "on evidence, not on guesses.",
                                "Separate production, development and security tooling into different accounts.",
                            ),
                        ),
                        code(
                            """
                            # Which identity am I using right now?
                            aws sts get-caller-identity
                            # A user's access keys, and when each was last used
                            aws iam list-access-keys --user-name deploy-bot
                            aws iam get-access-key-last-used --access-key-id AKIAIOSFODNN7EXAMPLE
                            """
                        ),
                        code(
                            """
                            {
                              "Version": "2012-10-17",
                              "Statement": [
                                {
                                  "Sid": "ReadMonthlyReports",
                                  "Effect": "Allow",
                                  "Action": "s3:GetObject",
                                  "Resource": "arn:aws:s3:::wchi-reports/monthly/*"
                                },
                                {
                                  "Sid": "ListMonthlyReports",
                                  "Effect": "Allow",
                                  "Action": "s3:ListBucket",
                                  "Resource": "arn:aws:s3:::wchi-reports",
                                  "Condition": {"StringLike": {"s3:prefix": ["monthly/*"]}}
                                }
                              ]
                            }
                            """,
                            language="json",
                            caption="Least privilege: read one prefix of one bucket, and nothing else",
                        ),
                        callout(
                            "warning",
                            "Never put access keys in source code, container images or CI logs; automated scanners "
                            "find keys pushed to public repositories within minutes. If a key leaks, deactivate it "
                            "first, then use CloudTrail to investigate what it was used for.",
                        ),
                    ],
                },
            ],
        },
        {
            "slug": "protecting-data",
            "title": "Protecting data",
            "summary": "Keep storage private, encrypt it with keys you control and make deletion recoverable.",
            "objectives": bullets(
                "Audit an S3 bucket's public access settings and policy from the command line",
                "Explain envelope encryption and configure SSE-KMS with key rotation",
                "Separate the duties of key administrators and key users",
            ),
            "lessons": [
                {
                    "slug": "securing-s3-buckets",
                    "title": "Securing S3 buckets",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "Publicly readable storage buckets have exposed billions of records. An S3 bucket can be "
                            "opened to the world by its bucket policy or by object ACLs; S3 Block Public Access "
                            "overrides both. Since April 2023 new buckets have Block Public Access turned on and ACLs "
                            "disabled by default, but older buckets, and settings changed since, still need checking."
                        ),
                        code(
                            r"""
                            # Is Block Public Access on for the bucket, and for the whole account?
                            aws s3api get-public-access-block --bucket wchi-reports
                            aws s3control get-public-access-block --account-id 111122223333
                            # Does the bucket policy grant access to everyone ("Principal": "*")?
                            aws s3api get-bucket-policy --bucket wchi-reports --query Policy --output text | python3 -m json.tool
                            aws s3api get-bucket-policy-status --bucket wchi-reports
                            # Turn on all four Block Public Access settings
                            aws s3api put-public-access-block --bucket wchi-reports \
                              --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
                            """
                        ),
                        text(
                            "Beyond public access: since January 2023, S3 encrypts every new object at rest by default "
                            "(SSE-S3); choose SSE-KMS when you need control over the key and an audit trail of its use. "
                            "Turn on versioning, and consider Object Lock, for buckets holding important data, so that "
                            "deleted or overwritten objects (including ransomware's encrypted copies) can be "
                            "recovered. Log access to sensitive buckets with CloudTrail data events or server access "
                            "logging."
                        ),
                        callout(
                            "tip",
                            "IAM Access Analyzer reports buckets, roles and keys that are shared outside your account "
                            "or organization. Review its findings regularly; new ones deserve an explanation.",
                        ),
                    ],
                },
                {
                    "slug": "encryption-and-key-management",
                    "title": "Encryption and key management",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "Turning on encryption in the cloud is mostly easy; the hard part is managing the keys and "
                            "who may use them. AWS KMS (Key Management Service) keeps keys in hardware security "
                            "modules. Services such as S3, EBS and RDS use <b>envelope encryption</b>: each object or "
                            "volume is encrypted with its own data key, and that data key is itself encrypted under a "
                            "KMS key that never leaves KMS. Removing someone's permission to use the KMS key makes the "
                            "data unreadable to them, even if they can still read the storage."
                        ),
                        code(
                            r"""
                            # Create a customer managed key and turn on automatic rotation (yearly by default)
                            aws kms create-key --description "wchi-reports bucket key"
                            aws kms enable-key-rotation --key-id 1234abcd-12ab-34cd-56ef-1234567890ab
                            aws kms get-key-rotation-status --key-id 1234abcd-12ab-34cd-56ef-1234567890ab
                            # Make SSE-KMS the bucket's default encryption
                            aws s3api put-bucket-encryption --bucket wchi-reports --server-side-encryption-configuration \
                              '{"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "1234abcd-12ab-34cd-56ef-1234567890ab"}, "BucketKeyEnabled": true}]}'
                            """
                        ),
                        text(
                            "Separate duties with key policies: the people who administer keys should not "
                            "automatically be able to decrypt data with them, and the application role that decrypts "
                            "should not be able to delete the key. Every use of a KMS key is recorded in CloudTrail, "
                            "which gives you an audit trail of who read encrypted data and when."
                        ),
                        callout(
                            "warning",
                            "Deleting a KMS key (after a waiting period of 7 to 30 days) makes all data encrypted "
                            "under it unrecoverable. Disable a key first and watch for failures before you ever "
                            "schedule its deletion.",
                        ),
                    ],
                },
            ],
        },
        {
            "slug": "detection-and-network-controls",
            "title": "Detection and network controls",
            "summary": "See what happens in your accounts, limit what is exposed, and catch mistakes before deployment.",
            "objectives": bullets(
                "Search CloudTrail for high-risk API calls and know which to alert on",
                "Find and close security groups open to the internet",
                "Scan infrastructure as code in CI and check live accounts against a benchmark",
            ),
            "lessons": [
                {
                    "slug": "logging-with-cloudtrail",
                    "title": "Logging with CloudTrail",
                    "estimated_minutes": 25,
                    "body": [
                        text(
                            "CloudTrail records the API calls made in an AWS account: who called which API, from "
                            "which address, when, and whether it succeeded. Management events (creating users, "
                            "changing security groups, stopping logging) are recorded by default and kept for 90 days "
                            "in the Event history. Create a trail to keep them longer in S3, ideally in a separate "
                            "logging account that the administrators of your workload accounts cannot change. Data "
                            "events, such as S3 object reads, must be enabled explicitly and cost extra."
                        ),
                        code(
                            r"""
                            # Recent console logins
                            aws cloudtrail lookup-events \
                              --lookup-attributes AttributeKey=EventName,AttributeValue=ConsoleLogin \
                              --max-results 20 --query 'Events[].[EventTime,Username]' --output table
                            # Has anyone tried to switch off logging?
                            aws cloudtrail lookup-events \
                              --lookup-attributes AttributeKey=EventName,AttributeValue=StopLogging --max-results 20
                            """
                        ),
                        heading("Events worth an alert", level="h3"),
                        text(
                            bullets(
                                "<code>ConsoleLogin</code> by the root user",
                                "<code>StopLogging</code>, <code>DeleteTrail</code> or <code>UpdateTrail</code>: "
                                "someone blinding you",
                                "<code>CreateUser</code> and <code>CreateAccessKey</code>: a common way to persist",
                                "<code>PutBucketPolicy</code>, <code>PutBucketAcl</code> or "
                                "<code>DeletePublicAccessBlock</code>: data about to be exposed",
                                "<code>AuthorizeSecurityGroupIngress</code> from 0.0.0.0/0",
                                "Bursts of <code>AccessDenied</code> errors from one identity: someone exploring "
                                "what stolen credentials can do",
                            )
                        ),
                        text(
                            "Amazon GuardDuty analyzes CloudTrail, VPC flow logs and DNS logs for known-bad patterns, "
                            "such as credentials used from a Tor exit node or an instance contacting a cryptocurrency "
                            "mining pool. It is usually the first managed detection to turn on."
                        ),
                        callout(
                            "tip",
                            "Send CloudTrail events and GuardDuty findings to the same SIEM as your on-premises logs, "
                            "so that one analyst can follow an attacker from a phished laptop to the cloud console.",
                        ),
                    ],
                },
                {
                    "slug": "security-groups-and-network-exposure",
                    "title": "Security groups and network exposure",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "<b>Security groups</b> are stateful firewalls attached to instances and other resources: "
                            "their rules only allow (there are no deny rules), and replies to allowed connections are "
                            "permitted automatically. <b>Network ACLs</b> apply to whole subnets, are stateless (return "
                            "traffic must be allowed explicitly) and can deny. Most teams rely on security groups and "
                            "use network ACLs sparingly, as a coarse outer guard."
                        ),
                        code(
                            r"""
                            # Security groups with a rule open to the whole IPv4 internet
                            aws ec2 describe-security-groups \
                              --filters Name=ip-permission.cidr,Values=0.0.0.0/0 \
                              --query 'SecurityGroups[].[GroupId,GroupName]' --output table
                            # Close SSH to the internet; allow it only from the admin VPN range
                            aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 --protocol tcp --port 22 --cidr 0.0.0.0/0
                            aws ec2 authorize-security-group-ingress --group-id sg-0123456789abcdef0 --protocol tcp --port 22 --cidr 10.50.0.0/16
                            """
                        ),
                        text(
                            "Better than opening SSH or RDP at all: AWS Systems Manager Session Manager gives shell "
                            "access through the AWS API, with IAM authorization and session logging, and needs no "
                            "inbound port. Keep databases in private subnets with no route from the internet, and "
                            "expose web applications only through a load balancer."
                        ),
                        callout(
                            "warning",
                            "Remember IPv6: a rule open to <code>::/0</code> is as exposed as one open to "
                            "<code>0.0.0.0/0</code>. Repeat the search with the <code>ip-permission.ipv6-cidr</code> "
                            "filter.",
                        ),
                    ],
                },
                {
                    "slug": "infrastructure-as-code-and-posture",
                    "title": "Infrastructure as code and posture checks",
                    "estimated_minutes": 20,
                    "body": [
                        text(
                            "When infrastructure is defined as code, with Terraform or CloudFormation, security "
                            "review can happen before anything is deployed. Scanners such as Checkov and Trivy read "
                            "the templates and flag misconfigurations: public buckets, unencrypted volumes, security "
                            "groups open to the world and IAM policies full of wildcards."
                        ),
                        code(
                            """
                            resource "aws_s3_bucket" "reports" {
                              bucket = "wchi-reports"
                            }

                            resource "aws_s3_bucket_public_access_block" "reports" {
                              bucket                  = aws_s3_bucket.reports.id
                              block_public_acls       = true
                              block_public_policy     = true
                              ignore_public_acls      = true
                              restrict_public_buckets = true
                            }
                            """,
                            language="hcl",
                            caption="Terraform: a bucket that can never be made public by accident",
                        ),
                        code(
                            """
                            pip install checkov
                            checkov -d infra/        # scan every Terraform file under infra/
                            trivy config infra/      # the same idea with Trivy
                            """
                        ),
                        text(
                            "Run these scanners in CI so that a risky change fails the pull request, just like a "
                            "failing unit test. For what is already deployed, cloud security posture management "
                            "tools, such as AWS Security Hub with the AWS Foundational Security Best Practices "
                            "standard or the open-source Prowler, compare live accounts against benchmarks like the "
                            "CIS AWS Foundations Benchmark."
                        ),
                        callout(
                            "tip",
                            "Treat scanner findings like bugs: fix them, or suppress them with a written reason in the "
                            "code (both Checkov and Trivy support inline skip comments), so the next reviewer knows it "
                            "was a decision and not an oversight.",
                        ),
                    ],
                },
            ],
        },
    ],
}


COURSES: list[dict] = [
    SECURITY_FUNDAMENTALS,
    NETWORKING_FOR_DEFENDERS,
    LINUX_FOR_SECURITY,
    SOC_ANALYST_FOUNDATIONS,
    WEB_APPLICATION_SECURITY,
    CLOUD_SECURITY_ESSENTIALS,
]


# --- Learning: a path and the demo student's progress ---------------------------------------

LEARNING_PATHS: list[dict] = [
    {
        "slug": "soc-analyst-track",
        "title": "SOC Analyst track",
        "summary": "From first principles to the daily work of a security operations center analyst, in three courses.",
        "description": _html(
            (
                "Security operations centers hire analysts who understand both the ideas of security and the "
                "networks they watch. This track starts with <b>Security Fundamentals</b>, continues with "
                "<b>Networking for Defenders</b> and ends with <b>SOC Analyst Foundations</b>: triage, detection "
                "and incident response.",
                "Each course unlocks when you complete the one before it.",
            )
        ),
        "sequential": True,
        "courses": ["security-fundamentals", "networking-for-defenders", "soc-analyst-foundations"],
    },
]

DEMO_STUDENT = "student@wchi.example"

# The demo student's enrollments, in this order. `lessons` is how many lessons (from the start
# of the course) are complete; "all" completes the course, which grants its competencies.
# Security Fundamentals is complete and Networking for Defenders under way, so the SOC Analyst
# track shows one step done, one in progress and SOC Analyst Foundations (which requires both)
# still locked. `path` marks enrollments made through the track.
DEMO_STUDENT_ENROLLMENTS: list[dict] = [
    {"course": "security-fundamentals", "lessons": "all", "path": "soc-analyst-track"},
    {"course": "networking-for-defenders", "lessons": 3, "path": "soc-analyst-track"},
    {"course": "linux-for-security", "lessons": 2},
]
