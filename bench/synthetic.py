"""A database filled with many plausible invoices, written in bulk (for the benchmarks)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert

from app.db import models
from app.db.engine import Database
from app.domain.text import fold

STATUSES = (
    ("MISE_EN_PAIEMENT", 50),
    ("MISE_A_DISPOSITION", 15),
    ("DEPOSEE", 5),
    ("SERVICE_FAIT", 8),
    ("MANDATEE", 6),
    ("A_RECYCLER", 2),
    ("SUSPENDUE", 3),
    ("REJETEE", 3),
    ("COMPLETEE", 2),
    ("BROUILLON", 1),
    ("EN_ATTENTE_ENVOI", 1),
)
RECIPIENTS = [
    (f"2{index:08d}00010", name)
    for index, name in enumerate(
        (
            "COMMUNE DE SAINT-ÉTIENNE-DU-BOIS",
            "CENTRE HOSPITALIER DE VALENCE",
            "LYCÉE JEAN MOULIN",
            "DÉPARTEMENT DE L'ISÈRE",
            "ÉTAT - MINISTÈRE DE LA CULTURE",
            "COMMUNAUTÉ DE COMMUNES DU PILAT",
            "UNIVERSITÉ GRENOBLE ALPES",
            "SYNDICAT DES EAUX DU LAC",
        )
        * 25,
        start=1,
    )
]


def fill_invoices(database: Database, environment: str, count: int, seed: int = 7) -> None:
    chance = random.Random(seed)
    statuses = [code for code, weight in STATUSES for _ in range(weight)]
    start = date(2022, 1, 1)
    batch: list[dict[str, object]] = []
    for index in range(count):
        siret, name = chance.choice(RECIPIENTS)
        name = f"{name} {index % 200:03d}"
        number = f"F{2022 + index % 5}-{index:06d}"
        issued = start + timedelta(days=chance.randrange(0, 1700))
        status = chance.choice(statuses)
        deposited = None if status in {"BROUILLON", "EN_ATTENTE_ENVOI"} else issued
        ht = Decimal(chance.randrange(5_000, 900_000)) / 100
        service = chance.choice((None, "CULTURE", "SERV-ACHATS", "DSI"))
        batch.append(
            {
                "local_uid": str(uuid.uuid4()),
                "environment": environment,
                "number": number,
                "issue_date": issued,
                "invoice_type": "AVOIR" if index % 50 == 0 else "FACTURE",
                "deposit_mode": "DEPOT_PDF_API",
                "cadre": "A1_FACTURE_FOURNISSEUR",
                "recipient_siret": siret,
                "recipient_name": name,
                "code_service": service,
                "engagement_number": f"EJ{index:08d}" if index % 3 == 0 else None,
                "vat_type": "TVA_SUR_DEBIT",
                "payment_mode": "VIREMENT",
                "currency": "EUR",
                "total_ht": ht,
                "total_tva": ht / 5,
                "total_ttc": ht * Decimal("1.2"),
                "global_discount_ttc": Decimal(0),
                "amount_due": ht * Decimal("1.2"),
                "status": status,
                "status_at": datetime.combine(
                    issued + timedelta(days=chance.randrange(0, 60)), datetime.min.time(), UTC
                ),
                "rejection_acknowledged": status == "REJETEE" and index % 2 == 0,
                "chorus_invoice_id": None if deposited is None else 10_000_000 + index,
                "deposit_date": deposited,
                "search_text": fold(" ".join(p for p in (number, name, siret, service) if p)),
                "created_at": datetime.now(UTC),
                "updated_at": datetime.now(UTC),
            }
        )
        if len(batch) == 5000:
            _write(database, batch)
            batch = []
    _write(database, batch)


def _write(database: Database, batch: list[dict[str, object]]) -> None:
    if batch:
        with database.session() as session:
            session.execute(insert(models.Invoice.__table__), batch)
