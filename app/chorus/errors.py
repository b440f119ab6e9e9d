"""Typed Chorus Pro errors, each with a message a micro-entrepreneur understands."""

from __future__ import annotations

from app.errors import BordereauError


class ChorusError(BordereauError):
    title = "Chorus Pro"


class PlatformUnavailableError(ChorusError):
    title = "Chorus Pro indisponible"

    def __init__(self, message: str | None = None, *, details: str | None = None) -> None:
        super().__init__(
            message
            or "Chorus Pro ne répond pas pour le moment. Vos données sont conservées ; "
            "Bordereau réessaiera plus tard.",
            details=details,
        )


class RateLimitedError(PlatformUnavailableError):
    def __init__(self, *, details: str | None = None) -> None:
        super().__init__(
            "Chorus Pro reçoit trop de demandes : Bordereau patiente et réessaiera.",
            details=details,
        )


class InvalidClientError(ChorusError):
    title = "Identifiants PISTE refusés"

    def __init__(self, *, details: str | None = None) -> None:
        super().__init__(
            "L'identifiant client (client_id) ou le secret de votre application PISTE est "
            "refusé. Vérifiez-les sur piste.gouv.fr, dans votre application, onglet "
            "« Identifiants OAuth ».",
            details=details,
        )


class TechnicalAccountError(ChorusError):
    title = "Compte technique refusé"

    def __init__(self, *, details: str | None = None) -> None:
        super().__init__(
            "Le login ou le mot de passe du compte technique Chorus Pro est refusé. Le mot de "
            "passe d'un compte technique expire : renouvelez-le dans Chorus Pro (Raccordements "
            "› compte technique), puis saisissez-le de nouveau dans Compte › Compte Chorus Pro.",
            details=details,
        )


class PasswordExpiredError(ChorusError):
    title = "Mot de passe expiré"


class SubscriptionMissingError(ChorusError):
    title = "Abonnement PISTE manquant"

    def __init__(self, *, details: str | None = None) -> None:
        super().__init__(
            "Votre application PISTE n'est pas abonnée à l'API Chorus Pro (ou les CGU ne sont "
            "pas acceptées). Sur piste.gouv.fr, abonnez-la aux API Factures, Structures et "
            "Transverses.",
            details=details,
        )


class ProtocolError(ChorusError):
    title = "Réponse inattendue"

    def __init__(self, message: str | None = None, *, details: str | None = None) -> None:
        super().__init__(
            message or "Chorus Pro a renvoyé une réponse que Bordereau ne comprend pas.",
            details=details,
        )


class BusinessError(ChorusError):
    """``codeRetour`` ≠ 0: Chorus Pro refused the operation for a business reason."""

    title = "Refus de Chorus Pro"

    def __init__(self, code: int, libelle: str, message: str | None = None) -> None:
        super().__init__(message or f"Chorus Pro a refusé l'opération : {libelle}")
        self.code = code
        self.libelle = libelle


class NotFoundError(BusinessError):
    title = "Introuvable"
