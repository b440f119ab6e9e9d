"""Realistic Chorus Pro directory exports for tests and benchmarks (no public sample exists).

Same shape as the weekly export: an XLSX with a structures sheet and a services sheet, French
headers, SIRETs stored as numbers (leading zeros lost), accents, inactive rows, a few invalid
SIRETs and duplicates, and the State with its many services.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from app.domain.identifiers import STATE_SIRET
from app.simulator.seed import make_siret

STRUCTURE_HEADERS = (
    "Identifiant",
    "Type d'identifiant",
    "Raison sociale",
    "Libellé structure",
    "Adresse",
    "Code postal",
    "Ville",
    "Statut",
    "Service obligatoire",
    "Engagement obligatoire",
    "Service ou engagement obligatoire",
    "Statut mise en paiement non remonté",
    "Identifiant CPP",
)
SERVICE_HEADERS = (
    "Identifiant",
    "Désignation",
    "Code service",
    "Libellé service",
    "Statut",
    "Engagement obligatoire",
    "Identifiant service",
)
KINDS = (
    ("COMMUNE DE", 50), ("MAIRIE DE", 10), ("CCAS DE", 6), ("COLLÈGE", 5), ("LYCÉE", 4),
    ("CENTRE HOSPITALIER DE", 3), ("COMMUNAUTÉ DE COMMUNES DE", 4), ("SIVOM DE", 3),
    ("ÉCOLE PRIMAIRE DE", 5), ("SYNDICAT DES EAUX DE", 3), ("OFFICE DE TOURISME DE", 2),
    ("EHPAD DE", 3), ("CAISSE DES ÉCOLES DE", 2),
)  # fmt: skip
PLACES = (
    "Saint-Étienne", "Besançon", "Aix-en-Provence", "Évreux", "Châteauroux", "Orléans",
    "Nîmes", "Pont-Saint-Esprit", "Lons-le-Saunier", "Saint-Genis-Laval", "Villeurbanne",
    "Quimper", "Bagnols-sur-Cèze", "Montélimar", "Angoulême", "Sète", "Épinal", "Mâcon",
    "Fougères", "Gérardmer", "Ussel", "Brive-la-Gaillarde", "Dole", "Vénissieux", "Agen",
)  # fmt: skip
SERVICE_NAMES = (
    ("SERV_TECH", "Services techniques"), ("ECOLES", "Affaires scolaires"),
    ("FINANCES", "Direction des finances"), ("CULTURE", "Action culturelle"),
    ("SPORTS", "Service des sports"), ("RESTAURATION", "Restauration scolaire"),
    ("VOIRIE", "Voirie et propreté"), ("ACHATS", "Commande publique"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ExportFacts:
    structures: int
    services: int
    invalid_sirets: int
    duplicates: int
    leading_zero_sirets: int
    known: dict[str, str]  # name → SIRET of a few structures, for search-quality tests


def _yes(value: bool) -> str:
    return "Oui" if value else "Non"


ROOTS = (
    "Mont", "Ville", "Roche", "Beau", "Font", "Mar", "Cler", "Val", "Bel", "Cham", "Lor", "Aube",
    "Ros", "Tour", "Pierre", "Gré", "Vaux", "Lan", "Ker", "Plou", "Sauve", "Fleur", "Brou",
    "Aigue", "Cor", "Mor", "Saul", "Quin", "Ber", "Cas", "Lav", "Aur", "Vic", "Mé", "Ro",
)  # fmt: skip
ENDINGS = (
    "ville", "court", "mont", "lieu", "ac", "ieux", "ange", "elles", "igny", "euil", "ières",
    "bourg", "oz", "ans", "ay", "ennes", "ol", "aix", "ène", "otte", "as", "in", "é", "erre",
)  # fmt: skip
QUALIFIERS = (
    "", "", "", "-sur-Loire", "-sur-Mer", "-le-Château", "-les-Bains", "-en-Vexin",
    "-sur-Saône", "-la-Forêt", "-de-Provence", "-d'Auvergne", "-sous-Bois",
)  # fmt: skip


def _place_name(rng: random.Random, index: int) -> str:
    """Real towns first, then made-up but French-looking ones (a vocabulary of thousands)."""
    if index < len(PLACES) * 2:
        return PLACES[index % len(PLACES)]
    saint = "Saint-" if rng.random() < 0.12 else ""
    return saint + rng.choice(ROOTS) + rng.choice(ENDINGS) + rng.choice(QUALIFIERS)


def write_export(
    path: Path, *, structures: int = 1000, services: int = 1700, seed: int = 7
) -> ExportFacts:
    from openpyxl import Workbook

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Structures")
    sheet.append(list(STRUCTURE_HEADERS))
    service_sheet = workbook.create_sheet("Services")
    service_sheet.append(list(SERVICE_HEADERS))
    kinds = [kind for kind, weight in KINDS for _ in range(weight)]
    known: dict[str, str] = {}
    invalid = duplicates = leading_zero = service_rows = 0
    sirets: list[tuple[str, str]] = []
    # The State first, with both requirements and many services.
    state_row = [
        int(STATE_SIRET),
        "SIRET",
        "SERVICES DE L'ETAT POUR LA FACTURATION ELECTRONIQUE",
        "ETAT",
        "139 rue de Bercy",
        "75012",
        "PARIS",
        "Actif",
        "Oui",
        "Oui",
        "Non",
        "Non",
        25_784_152,
    ]
    sheet.append(state_row)
    sirets.append((STATE_SIRET, "ETAT"))
    known["SERVICES DE L'ETAT POUR LA FACTURATION ELECTRONIQUE"] = STATE_SIRET
    for index in range(1, structures):
        kind = rng.choice(kinds)
        place = _place_name(rng, index)
        name = f"{kind} {place.upper()}"
        if index % 97 == 0:
            siret = "0" + make_siret(f"{rng.randrange(1_000_000, 9_999_999):07d}0", "0001")[1:]
            siret = make_siret(siret[:8], "0001")
            leading_zero += siret.startswith("0")
        else:
            siret = make_siret(
                f"2{rng.randrange(1_000_000, 9_999_999)}", f"{rng.randrange(0, 99):02d}01"
            )
        if index % 501 == 0:
            siret = siret[:-1] + str((int(siret[-1]) + 1) % 10)  # fails the checksum
            invalid += 1
        service_required = rng.random() < 0.25
        engagement_required = rng.random() < 0.15
        either = not service_required and not engagement_required and rng.random() < 0.1
        postal = f"{rng.randrange(1, 96):02d}{rng.randrange(0, 999):03d}"
        sheet.append(
            [
                int(siret),  # as the real export does: a number, leading zeros lost
                "SIRET",
                name,
                name.title() if rng.random() < 0.3 else None,
                f"{rng.randrange(1, 200)} rue de la République",
                int(postal) if rng.random() < 0.5 else postal,
                place.upper(),
                "Inactif" if rng.random() < 0.06 else "Actif",
                _yes(service_required),
                _yes(engagement_required),
                _yes(either),
                _yes(rng.random() < 0.05),
                3_000_000 + index,
            ]
        )
        sirets.append((siret, name))
        if index < 60 and name not in known:
            known[name] = siret
        if index % 1000 == 999:
            sheet.append(
                [
                    int(siret),
                    "SIRET",
                    name + " (DOUBLON)",
                    None,
                    None,
                    postal,
                    place,
                    "Actif",
                    "Non",
                    "Non",
                    "Non",
                    "Non",
                    None,
                ]
            )
            duplicates += 1
    # Services: the State's, then FACTURES_PUBLIQUES and a few per structure.
    for number in range(40):
        code = f"MIN{number:03d}"
        service_sheet.append(
            [
                int(STATE_SIRET),
                "ETAT",
                code,
                f"Service ministériel {number}",
                "Actif",
                "Oui",
                900_000 + number,
            ]
        )
        service_rows += 1
    service_id = 1_000_000
    position = 1
    while service_rows < services and position < len(sirets):
        siret, name = sirets[position]
        service_sheet.append(
            [
                int(siret),
                name,
                "FACTURES_PUBLIQUES",
                "Factures publiques",
                "Actif",
                "Non",
                service_id,
            ]
        )
        service_id += 1
        service_rows += 1
        for code, label in rng.sample(SERVICE_NAMES, rng.randrange(0, 3)):
            if service_rows >= services:
                break
            service_sheet.append(
                [
                    int(siret),
                    name,
                    code,
                    label,
                    "Inactif" if rng.random() < 0.05 else "Actif",
                    _yes(rng.random() < 0.1),
                    service_id,
                ]
            )
            service_id += 1
            service_rows += 1
        position += 1
    workbook.save(path)
    return ExportFacts(
        structures + duplicates, service_rows, invalid, duplicates, leading_zero, known
    )
