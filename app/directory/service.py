"""The directory use case: import the export of the public structures, search it, ask Chorus
Pro about a structure it does not know (and remember the answer), and say what a SIRET is."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.context import AppContext

if TYPE_CHECKING:
    from app.chorus.client import ChorusClient
    from app.chorus.schemas import StructureTrouvee
    from app.directory.importer import ImportReport
    from app.directory.store import DirectoryStore, Service, Structure

log = logging.getLogger(__name__)

# Demo mode's directory: the structures the demo platform knows, with their services, so that
# searching « lycée » or « Brest » works before any export is imported; removed once a real
# account is used.
DEMO_SOURCE = "demo"


class DirectoryService:
    def __init__(self, context: AppContext) -> None:
        self.context = context
        self._demo_settled = False

    def _store(self) -> DirectoryStore:
        """The local directory; in demo mode, never empty (the demo platform's structures),
        and without them once a real account is used."""
        store = self.context.directory
        if not self._demo_settled:
            self._demo_settled = True
            from app.domain.environments import Environment

            try:
                demo = self.context.account_status().effective is Environment.DEMO
                if demo:
                    seed_demo_directory(store)
                else:
                    store.forget_source(DEMO_SOURCE)
            except (OSError, sqlite3.Error):
                log.warning("Annuaire de démonstration non préparé", exc_info=True)
        return store

    def import_export(
        self, source: Path, progress: Callable[[float, str], None] | None = None
    ) -> ImportReport:
        """Replace the local directory with the export ``source``; on any problem the current
        one stays (``DirectoryImportError`` carries the French reason)."""
        from app.directory.importer import import_export

        store = self.context.directory
        store.close()
        report = import_export(source, self.context.paths.directory_file, progress)
        self._demo_settled = True  # the real export replaced everything
        store.forget_caches()
        log.info("Annuaire importé : %s", " ".join(report.lines()))
        return report

    def search(self, query: str, limit: int = 20) -> list[Structure]:
        return self._store().search(query, limit)

    def by_siret(self, siret: str) -> Structure | None:
        return self._store().by_siret(siret)

    def services(self, siret: str, *, active_only: bool = False) -> list[Service]:
        return self._store().services(siret, active_only=active_only)

    def count(self) -> int:
        return self._store().count()

    def meta(self) -> dict[str, str]:
        return self._store().meta()

    def recipient_info(self, siret: str) -> tuple[Structure | None, list[Service]]:
        """What the local directory knows of a SIRET: the structure and its active services."""
        siret = siret.replace(" ", "")
        if len(siret) != 14:
            return None, []
        store = self._store()
        structure = store.by_siret(siret)
        return structure, store.services(siret, active_only=True) if structure else []

    def lookup_online(self, siret: str) -> tuple[Structure, list[Service]] | None:
        """Ask the structures API (connected account) and remember the fresh answer."""
        with self.context.chorus_client() as client:
            answer = structure_from_chorus(client, siret)
        if answer is None:
            return None
        structure, services = answer
        store = self._store()
        store.remember_online(structure, services)
        return store.by_siret(siret) or structure, store.services(siret)


def structure_from_chorus(
    client: ChorusClient, siret: str
) -> tuple[Structure, list[Service]] | None:
    """The structure and its services as Chorus Pro describes them, in the directory's terms."""
    from app.directory.store import Service, Structure

    found = client.find_structure_by_siret(siret)
    if found is None:
        return None
    details = client.consulter_structure(found.idStructureCPP)
    services = [
        Service(
            code=item.codeService or "",
            label=item.libelleService,
            active=item.estActif,
            id_service=item.idService,
        )
        for item in client.all_services(found.idStructureCPP)
        if item.codeService
    ]
    services = [
        replace(service, engagement_required=_engagement_required(client, found, service))
        for service in services
    ]
    info = details.informationGenerales
    address = details.adressePostaleDuSiege
    flags = details.parametres
    structure = Structure(
        siret=siret,
        name=(info.raisonSocialeStructure if info else None) or found.designationStructure or siret,
        label=info.libelleStructure if info else None,
        address=address.adresse if address else None,
        postal_code=address.codePostal if address else None,
        city=address.ville if address else None,
        active=(found.statut or "ACTIVE") == "ACTIVE",
        service_required=bool(flags and flags.codeServiceDoitEtreRenseigne),
        engagement_required=bool(flags and flags.numeroEJDoitEtreRenseigne),
        service_or_engagement=bool(flags and flags.gestionNumeroEJOuCodeService),
        payment_not_reported=bool(flags and flags.statutMiseEnPaiementNestPasRemonte),
        id_cpp=found.idStructureCPP,
    )
    return structure, services


def _engagement_required(client: ChorusClient, found: StructureTrouvee, service: Service) -> bool:
    """``consulter/service`` says whether this (active) service needs an engagement."""
    if service.id_service is None or not service.active:
        return False
    parametres = client.consulter_service(found.idStructureCPP, service.id_service).parametres
    return bool(parametres and parametres.numeroEngagement)


def demo_structures() -> list[tuple[Structure, list[Service]]]:
    from app.directory.store import Service, Structure
    from app.simulator.seed import seed_directory

    return [
        (
            Structure(
                siret=sim.siret,
                name=sim.name,
                address=sim.address or None,
                postal_code=sim.postal_code,
                city=sim.city,
                active=sim.active,
                service_required=sim.service_required,
                engagement_required=sim.engagement_required,
                service_or_engagement=sim.service_or_engagement,
                payment_not_reported=sim.payment_status_not_reported,
                id_cpp=sim.id,
            ),
            [
                Service(
                    service.code,
                    service.label,
                    service.active,
                    service.engagement_required,
                    service.id,
                )
                for service in sim.services
            ],
        )
        for sim in seed_directory()
        if sim.public
    ]


def seed_demo_directory(store: DirectoryStore) -> int:
    """Fill an empty directory with the demo structures; returns how many were added."""
    if store.count():
        return 0
    pairs = demo_structures()
    for structure, services in pairs:
        store.remember_online(structure, services, source=DEMO_SOURCE)
    return len(pairs)
