"""Demo mode's directory: the structures the demo platform knows, with their services, so that
searching « lycée » or « Brest » works before any export is imported. Marked ``source="demo"``
and removed once a real account is used."""

from __future__ import annotations

from app.directory.store import DirectoryStore, Service, Structure

DEMO_SOURCE = "demo"


def demo_structures() -> list[tuple[Structure, list[Service]]]:
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
