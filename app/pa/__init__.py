"""A Plateforme Agréée (PA) of the 2026–2027 reform, through the common API of norm AFNOR
XP Z12-013: the Flow Service (send an invoice, search and download flows) and the Directory
Service (who receives for a SIREN, SIRET or routing code)."""
