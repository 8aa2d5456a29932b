"""A subset of the NICE Framework work roles, used as the demo courses' competencies.

Codes and names are the work role IDs of NICE Framework Components v1.0.0 (NIST, March
2024), which v2.0.0 (March 2025) keeps for these roles. Descriptions summarize each role's
official definition in one sentence. `(framework, code)` is the competency's stable key.
"""

NICE_FRAMEWORK = "NICE Framework"

COMPETENCIES: list[dict[str, str]] = [
    # Oversight and Governance
    {
        "code": "OG-WRL-014",
        "name": "Systems Security Management",
        "description": "Owns the cybersecurity of a program, organization, system or enclave: its policies, "
        "controls and risk decisions.",
    },
    # Design and Development
    {
        "code": "DD-WRL-001",
        "name": "Cybersecurity Architecture",
        "description": "Makes sure security requirements are built into an organization's architecture, "
        "including its cloud, network and identity designs.",
    },
    {
        "code": "DD-WRL-003",
        "name": "Secure Software Development",
        "description": "Writes and maintains software so that it resists attack, applying secure coding practices "
        "across the development life cycle.",
    },
    {
        "code": "DD-WRL-005",
        "name": "Software Security Assessment",
        "description": "Analyzes the security of new or existing applications and turns the findings into "
        "actionable fixes.",
    },
    # Implementation and Operation
    {
        "code": "IO-WRL-004",
        "name": "Network Operations",
        "description": "Plans, implements and operates network services and systems, physical and virtual.",
    },
    {
        "code": "IO-WRL-005",
        "name": "Systems Administration",
        "description": "Installs, configures, updates and maintains systems, user accounts, backups and security "
        "controls in line with organizational policy.",
    },
    {
        "code": "IO-WRL-006",
        "name": "Systems Security Analysis",
        "description": "Analyzes and manages the security aspects of integrating, testing, operating and "
        "maintaining systems.",
    },
    {
        "code": "IO-WRL-007",
        "name": "Technical Support",
        "description": "Helps users install, configure and troubleshoot systems, and escalates security problems "
        "it finds along the way.",
    },
    # Protection and Defense
    {
        "code": "PD-WRL-001",
        "name": "Defensive Cybersecurity",
        "description": "Analyzes data from cybersecurity defense tools such as logs, alerts and network sensors "
        "to detect and mitigate risks.",
    },
    {
        "code": "PD-WRL-002",
        "name": "Digital Forensics",
        "description": "Analyzes digital evidence from security incidents to explain what happened and to help "
        "mitigate system and network vulnerabilities.",
    },
    {
        "code": "PD-WRL-003",
        "name": "Incident Response",
        "description": "Investigates, analyzes and responds to cybersecurity incidents, from triage through "
        "containment, recovery and reporting.",
    },
    {
        "code": "PD-WRL-004",
        "name": "Infrastructure Support",
        "description": "Tests, deploys, maintains and administers the hardware and software that defenders rely on, "
        "such as firewalls, sensors and log pipelines.",
    },
    {
        "code": "PD-WRL-005",
        "name": "Insider Threat Analysis",
        "description": "Identifies and assesses the capabilities and activities of insider threats and supports "
        "the investigations that follow.",
    },
    {
        "code": "PD-WRL-006",
        "name": "Threat Analysis",
        "description": "Collects, analyzes and shares assessments of cybersecurity threats and develops indicators "
        "that keep defenders aware of a changing environment.",
    },
    {
        "code": "PD-WRL-007",
        "name": "Vulnerability Analysis",
        "description": "Assesses systems and networks for weaknesses, measures how far they deviate from secure "
        "configurations and recommends countermeasures.",
    },
    # Investigation
    {
        "code": "IN-WRL-002",
        "name": "Digital Evidence Analysis",
        "description": "Identifies, collects, preserves and analyzes digital evidence so that it holds up in "
        "investigations and legal proceedings.",
    },
]
