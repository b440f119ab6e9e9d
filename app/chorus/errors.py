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


class RequestRejectedError(ChorusError):
    """A 4xx without Chorus Pro's ``codeRetour``/``libelle`` answer: the gateway or the platform
    turned the request away before any business processing. Nothing was recorded, and sending
    the same request again would be turned away the same way."""

    title = "Demande refusée par Chorus Pro"

    def __init__(self, status: int, *, details: str | None = None) -> None:
        super().__init__(
            f"Chorus Pro a refusé la demande sans l'enregistrer (erreur HTTP {status}). "
            "Rien n'a été pris en compte et Bordereau ne la renverra pas d'elle-même. Si cela "
            "se reproduit, mettez Bordereau à jour ou signalez-le : le détail technique est "
            "dans le journal de Bordereau.",
            details=details,
        )
        self.status = status


class AccessRefusedError(PlatformUnavailableError):
    """401 answers with a token the PISTE token endpoint has just issued: the platform's
    known hiccup on chained calls (chorus-api.md §1.2), not a credentials problem."""

    def __init__(self, *, details: str | None = None) -> None:
        super().__init__(
            "Chorus Pro refuse momentanément l'accès alors que vos identifiants sont acceptés. "
            "Vos données sont conservées ; Bordereau réessaiera dans quelques minutes.",
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


class RecipientUnknownError(BusinessError):
    title = "Destinataire inconnu"

    def __init__(self, code: int, libelle: str) -> None:
        super().__init__(
            code,
            libelle,
            "Chorus Pro ne connaît pas ce destinataire, ou il n'est plus actif. Vérifiez le "
            "SIRET de l'acheteur public (sur sa commande ou dans l'annuaire), puis renvoyez.",
        )


class ServiceUnknownError(BusinessError):
    title = "Service inconnu"

    def __init__(self, code: int, libelle: str) -> None:
        super().__init__(
            code,
            libelle,
            "Le code service indiqué n'est pas utilisable chez ce destinataire : inconnu, fermé, "
            "ou réservé aux échanges entre entités publiques (FACTURES_PUBLIQUES). Choisissez "
            "un service actif dans la liste du destinataire.",
        )


class ServiceRequiredError(BusinessError):
    title = "Code service obligatoire"

    def __init__(self, code: int, libelle: str) -> None:
        super().__init__(
            code,
            libelle,
            "Ce destinataire exige un code service. Il figure en général sur le bon de "
            "commande ; sinon, demandez-le à votre interlocuteur chez l'acheteur.",
        )


class EngagementRequiredError(BusinessError):
    title = "Numéro d'engagement obligatoire"

    def __init__(self, code: int, libelle: str) -> None:
        super().__init__(
            code,
            libelle,
            "Ce destinataire exige un numéro d'engagement juridique (ou de bon de commande). "
            "Il figure sur la commande reçue ; sinon, demandez-le à l'acheteur.",
        )


class ServiceOrEngagementRequiredError(BusinessError):
    title = "Code service ou engagement obligatoire"

    def __init__(self, code: int, libelle: str) -> None:
        super().__init__(
            code,
            libelle,
            "Ce destinataire exige au moins un code service ou un numéro d'engagement "
            "juridique. L'un des deux figure en général sur le bon de commande.",
        )


class DuplicateInvoiceError(BusinessError):
    title = "Numéro déjà utilisé"

    def __init__(self, code: int, libelle: str) -> None:
        super().__init__(
            code,
            libelle,
            "Une facture portant ce numéro a déjà été déposée sur Chorus Pro. Chaque facture "
            "doit avoir un numéro unique : vérifiez qu'elle n'est pas déjà envoyée.",
        )


class FileTooLargeError(BusinessError):
    title = "Fichier trop volumineux"

    def __init__(self, code: int, libelle: str) -> None:
        super().__init__(
            code,
            libelle,
            "Le fichier dépasse la taille acceptée par Chorus Pro (10 Mo par fichier). "
            "Réduisez-le (export PDF « taille minimale », images moins lourdes) et réessayez.",
        )


class AmountsIncoherentError(BusinessError):
    title = "Montants incohérents"

    def __init__(self, code: int, libelle: str) -> None:
        super().__init__(
            code,
            libelle,
            "Les montants ne sont pas cohérents (HT + TVA doit égaler le TTC, et le détail "
            f"de TVA doit égaler les totaux). Détail de Chorus Pro : {libelle}",
        )


class AttachmentMissingError(BusinessError):
    title = "Pièce jointe manquante"

    def __init__(self, code: int, libelle: str) -> None:
        super().__init__(
            code,
            libelle,
            "Chorus Pro n'a pas reçu le PDF de la facture. Bordereau le renverra avec la facture.",
        )


class StatusNotAllowedError(BusinessError):
    title = "Action impossible"

    def __init__(self, code: int, libelle: str) -> None:
        super().__init__(
            code,
            libelle,
            "Cette action n'est plus possible pour la facture dans son état actuel sur "
            "Chorus Pro (elle a peut-être changé entre-temps). Actualisez le suivi.",
        )
