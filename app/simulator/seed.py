"""The simulated directory: the State, communes, schools, hospitals, with every rule."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.identifiers import STATE_SIRET


@dataclass(slots=True)
class SimService:
    id: int
    code: str
    label: str
    active: bool = True
    engagement_required: bool = False


@dataclass(slots=True)
class SimStructure:
    id: int
    siret: str
    name: str
    postal_code: str
    city: str
    public: bool = True
    active: bool = True
    service_required: bool = False
    engagement_required: bool = False
    service_or_engagement: bool = False
    payment_status_not_reported: bool = False
    address: str = ""
    vat_number: str | None = None
    services: list[SimService] = field(default_factory=list)
    dgp_days: int = 30  # délai global de paiement of this kind of buyer


def _luhn_digit(prefix: str) -> str:
    """The digit that makes ``prefix + digit`` pass the Luhn check."""
    for last in "0123456789":
        candidate = prefix + last
        total = 0
        for index, char in enumerate(reversed(candidate)):
            digit = int(char)
            if index % 2 == 1:
                digit *= 2
                if digit > 9:
                    digit -= 9
            total += digit
        if total % 10 == 0:
            return last
    raise AssertionError("no Luhn digit")


def make_siret(siren8: str, nic4: str) -> str:
    """A valid SIRET: the SIREN and the whole SIRET both pass the Luhn check."""
    siren = siren8 + _luhn_digit(siren8)
    return siren + nic4 + _luhn_digit(siren + nic4)


def siret_for(index: int, base: str = "2134") -> str:
    return make_siret(f"{base}{index:04d}", "0001")


DEMO_SUPPLIER_SIRET = make_siret("81234567", "0001")
# The demo structure's bank account (a valid test IBAN of no real account), for Factur-X.
DEMO_SUPPLIER_IBAN = "FR7630006000011234567890189"
DEMO_SUPPLIER_BIC = "AGRIFRPP"
DEMO_SUPPLIER_NAME = "Atelier Martin (micro-entreprise)"


def seed_directory() -> list[SimStructure]:
    """A small but complete directory; ids are stable so tests can rely on them."""
    next_service = iter(range(5000, 100000))

    def services(*specs: tuple[str, str, bool, bool]) -> list[SimService]:
        return [
            SimService(next(next_service), code, label, active, ej)
            for code, label, active, ej in specs
        ]

    structures = [
        SimStructure(
            1000,
            STATE_SIRET,
            "ETAT",
            "75012",
            "PARIS",
            service_required=True,
            engagement_required=True,
            address="139 rue de Bercy",
            services=services(
                ("FACTURES_PUBLIQUES", "Factures entre entités publiques", True, False),
                ("MINARM75", "Ministère des Armées - Paris", True, True),
                ("DRFIP69", "DRFiP Auvergne-Rhône-Alpes", True, True),
                ("PREF13", "Préfecture des Bouches-du-Rhône", True, True),
                ("SGAMI_OUEST", "SGAMI Ouest (fermé)", False, True),
            ),
        ),
        SimStructure(
            1001,
            siret_for(1, "2169"),
            "COMMUNE DE SAINT-GENIS-LAVAL",
            "69230",
            "SAINT-GENIS-LAVAL",
            address="Place Joseph Léger",
            services=services(
                ("FACTURES_PUBLIQUES", "Factures entre entités publiques", True, False)
            ),
        ),
        SimStructure(
            1002,
            siret_for(2, "2133"),
            "COMMUNE DE PESSAC",
            "33600",
            "PESSAC",
            service_required=True,
            services=services(
                ("FACTURES_PUBLIQUES", "Factures entre entités publiques", True, False),
                ("SERV_TECH", "Services techniques", True, False),
                ("ENFANCE", "Direction de l'enfance", True, False),
                ("ANCIEN_CCAS", "Ancien CCAS", False, False),
            ),
        ),
        SimStructure(
            1003,
            siret_for(3, "2174"),
            "COMMUNE D'ANNECY",
            "74000",
            "ANNECY",
            engagement_required=True,
            services=services(
                ("FACTURES_PUBLIQUES", "Factures entre entités publiques", True, False)
            ),
        ),
        SimStructure(
            1004,
            siret_for(4, "2129"),
            "COMMUNE DE BREST",
            "29200",
            "BREST",
            service_or_engagement=True,
            services=services(
                ("FACTURES_PUBLIQUES", "Factures entre entités publiques", True, False),
                ("CULTURE", "Direction de la culture", True, False),
                ("PORT", "Port de plaisance", True, True),
            ),
        ),
        SimStructure(
            1005,
            siret_for(5, "1975"),
            "LYCEE PROFESSIONNEL JEAN MOULIN",
            "75014",
            "PARIS",
            payment_status_not_reported=True,
            services=services(
                ("FACTURES_PUBLIQUES", "Factures entre entités publiques", True, False)
            ),
        ),
        SimStructure(
            1006,
            siret_for(6, "1913"),
            "COLLEGE ÉMILE ZOLA",
            "13100",
            "AIX-EN-PROVENCE",
            service_required=True,
            engagement_required=True,
            services=services(
                ("FACTURES_PUBLIQUES", "Factures entre entités publiques", True, False),
                ("INTENDANCE", "Intendance", True, True),
            ),
        ),
        SimStructure(
            1007,
            siret_for(7, "2669"),
            "HOSPICES CIVILS DE LYON",
            "69002",
            "LYON",
            dgp_days=50,
            service_required=True,
            services=services(
                ("FACTURES_PUBLIQUES", "Factures entre entités publiques", True, False),
                ("ACHATS_HCL", "Direction des achats", True, False),
                ("PHARMA", "Pharmacie centrale", True, True),
            ),
        ),
        SimStructure(
            1008,
            siret_for(8, "2633"),
            "CENTRE HOSPITALIER DE LIBOURNE",
            "33500",
            "LIBOURNE",
            dgp_days=50,
            service_or_engagement=True,
            services=services(
                ("FACTURES_PUBLIQUES", "Factures entre entités publiques", True, False)
            ),
        ),
        SimStructure(
            1009,
            siret_for(9, "2159"),
            "COMMUNE DE LILLE-HELLEMMES (ANCIENNE)",
            "59260",
            "LILLE",
            active=False,
            services=services(
                ("FACTURES_PUBLIQUES", "Factures entre entités publiques", True, False)
            ),
        ),
        SimStructure(
            1010,
            siret_for(10, "2006"),
            "SNCF RÉSEAU",
            "93200",
            "SAINT-DENIS",
            dgp_days=60,
            services=services(
                ("FACTURES_PUBLIQUES", "Factures entre entités publiques", True, False)
            ),
        ),
        SimStructure(
            1011,
            siret_for(11, "2135"),
            "COMMUNE DE RENNES",
            "35000",
            "RENNES",
            payment_status_not_reported=True,
            service_required=True,
            services=services(
                ("FACTURES_PUBLIQUES", "Factures entre entités publiques", True, False),
                ("ECOLES", "Direction éducation enfance", True, False),
            ),
        ),
    ]
    return structures
