"""What a recipient requires on an invoice: code service, engagement (EJ), either, or both."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.identifiers import STATE_SIRET
from app.domain.protocol import PUBLIC_ONLY_SERVICE


class Requirement(StrEnum):
    NONE = "aucun"
    SERVICE = "service"
    ENGAGEMENT = "engagement"
    EITHER = "service_ou_engagement"
    BOTH = "service_et_engagement"

    @property
    def label(self) -> str:
        """The rule, said the same way in the directory's list, its detail and the form."""
        return {
            "aucun": "Ni code service ni engagement exigé",
            "service": "Code service obligatoire",
            "engagement": "Numéro d'engagement obligatoire",
            "service_ou_engagement": "Code service ou numéro d'engagement obligatoire",
            "service_et_engagement": "Code service et numéro d'engagement obligatoires",
        }[self.value]

    @property
    def badge(self) -> str:
        """The same rule, short, for a list line."""
        return {
            "aucun": "",
            "service": "[code service]",
            "engagement": "[engagement]",
            "service_ou_engagement": "[code service ou engagement]",
            "service_et_engagement": "[code service et engagement]",
        }[self.value]


def requirement_text(rules: RecipientRules, service_code: str | None) -> str:
    """What the recipient requires once the service is chosen: the structure's rule, made
    stricter by a service that asks for an engagement."""
    text = rules.requirement.label
    if service_code and rules.service_demands_engagement:
        text += f" (le service {service_code} exige un numéro d'engagement)"
    return text


@dataclass(frozen=True, slots=True)
class StructureFlags:
    siret: str
    active: bool = True
    service_required: bool = False  # codeServiceDoitEtreRenseigne
    engagement_required: bool = False  # numeroEJDoitEtreRenseigne
    service_or_engagement: bool = False  # gestionNumeroEJOuCodeService
    payment_status_not_reported: bool = False  # statutMiseEnPaiementNestPasRemonte


@dataclass(frozen=True, slots=True)
class ServiceFlags:
    code: str
    active: bool = True
    engagement_required: bool = False  # parametres.numeroEngagement


@dataclass(frozen=True, slots=True)
class RecipientRules:
    requirement: Requirement
    problems: tuple[str, ...] = ()  # French, blocking: the deposit would be refused
    notes: tuple[str, ...] = ()  # French, informative
    service_demands_engagement: bool = False  # the chosen service made the rule stricter

    @property
    def accepted(self) -> bool:
        return not self.problems

    @property
    def service_required(self) -> bool:
        return self.requirement in (Requirement.SERVICE, Requirement.BOTH)

    @property
    def engagement_required(self) -> bool:
        return self.requirement in (Requirement.ENGAGEMENT, Requirement.BOTH)


def structure_requirement(structure: StructureFlags) -> Requirement:
    """The flags as Chorus Pro combines them (OCA's mapping); the State always needs both."""
    if structure.siret == STATE_SIRET:
        return Requirement.BOTH
    if structure.service_required and structure.engagement_required:
        return Requirement.BOTH
    if structure.service_or_engagement:
        return Requirement.EITHER
    if structure.service_required:
        return Requirement.SERVICE
    if structure.engagement_required:
        return Requirement.ENGAGEMENT
    return Requirement.NONE


def recipient_rules(
    structure: StructureFlags,
    service: ServiceFlags | None = None,
    *,
    service_code: str | None = None,
    engagement: str | None = None,
) -> RecipientRules:
    """What ``structure`` (and the chosen ``service``) require, and what is wrong with the
    ``service_code`` / ``engagement`` the user typed, if given."""
    requirement = structure_requirement(structure)
    if service is not None and service.engagement_required:
        requirement = {
            Requirement.NONE: Requirement.ENGAGEMENT,
            Requirement.SERVICE: Requirement.BOTH,
            Requirement.EITHER: Requirement.ENGAGEMENT,
        }.get(requirement, requirement)
    problems: list[str] = []
    notes: list[str] = []
    if not structure.active:
        problems.append(
            "Cette structure est inactive sur Chorus Pro : elle ne reçoit plus de factures. "
            "Demandez à l'acheteur la structure qui la remplace."
        )
    code = service_code or (service.code if service else None)
    if service is not None and not service.active:
        problems.append(
            f"Le service {service.code} est fermé : choisissez un service actif de la structure."
        )
    if code == PUBLIC_ONLY_SERVICE:
        problems.append(
            "Le service FACTURES_PUBLIQUES est réservé aux factures entre entités publiques : "
            "une entreprise ne peut pas l'utiliser. Choisissez le service indiqué sur la commande."
        )
    checking = service_code is not None or engagement is not None
    if checking:
        has_code = bool(code) and code != PUBLIC_ONLY_SERVICE
        has_engagement = bool(engagement and engagement.strip())
        if requirement in (Requirement.SERVICE, Requirement.BOTH) and not has_code:
            problems.append("Ce destinataire exige un code service.")
        if requirement in (Requirement.ENGAGEMENT, Requirement.BOTH) and not has_engagement:
            problems.append("Ce destinataire exige un numéro d'engagement (bon de commande).")
        if requirement is Requirement.EITHER and not (has_code or has_engagement):
            problems.append("Ce destinataire exige un code service ou un numéro d'engagement.")
        if has_engagement and engagement is not None and len(engagement.strip()) > 50:
            problems.append("Le numéro d'engagement dépasse 50 caractères.")
    if structure.payment_status_not_reported:
        notes.append(
            "Ce destinataire ne remonte pas le statut « Mise en paiement » : le suivi "
            "s'arrêtera avant le paiement."
        )
    stricter = service is not None and service.engagement_required
    return RecipientRules(requirement, tuple(problems), tuple(notes), stricter)
