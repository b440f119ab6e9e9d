"""The Chorus Pro API client (PISTE gateway): token, headers, retries, typed errors.

Reads retry with exponential back-off and jitter on 429, 5xx and connection errors. Writes
(``soumettre`` and the like) are sent once: a lost answer may mean the platform did the work,
so the outbox reconciles instead of retrying blindly.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from app.chorus import schemas as s
from app.chorus import schemas_factures as f
from app.chorus import schemas_transverses as t
from app.chorus.auth import TokenCache, cpro_account_header
from app.chorus.errors import (
    AccessRefusedError,
    AmountsIncoherentError,
    AttachmentMissingError,
    BusinessError,
    ChorusError,
    DuplicateInvoiceError,
    EngagementRequiredError,
    FileTooLargeError,
    InvalidClientError,
    NotFoundError,
    PlatformUnavailableError,
    ProtocolError,
    RateLimitedError,
    RecipientUnknownError,
    RequestRejectedError,
    ServiceOrEngagementRequiredError,
    ServiceRequiredError,
    ServiceUnknownError,
    StatusNotAllowedError,
    SubscriptionMissingError,
    TechnicalAccountError,
)

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

ResponseT = TypeVar("ResponseT", bound=BaseModel)

JSON_CONTENT_TYPE = "application/json;charset=utf-8"
AUTH_ATTEMPTS = 3
# "No result" comes with several codes and keys (chorus-api.md §3.5): the transverse search
# key, the works-invoice search's, and the wording itself whatever the code.
NO_RESULT_CODES = {20000, 20007}
NO_RESULT_KEYS = ("tra_msg_00.015", "gft_msg_01.075", "gdp_msg_11.015")
NO_RESULT_WORDS = (
    "aucun résultat",
    "aucun resultat",
    "n'a retourné aucun",
    "aucune facture",
    "aucune structure",
    "aucun élément",
    "aucune donnée",
)
BODY_EXCERPT = 300


@dataclass(frozen=True, slots=True)
class ChorusConfig:
    api_url: str
    token_url: str
    client_id: str
    client_secret: str
    login: str
    password: str
    connect_timeout: float = 10.0
    read_timeout: float = 60.0

    def __repr__(self) -> str:
        return f"ChorusConfig(api_url={self.api_url!r}, login={self.login!r})"


@dataclass(slots=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    sleep: Callable[[float], None] = field(default=time.sleep)
    auth_pause: float = 1.0  # before a new token after a spurious 401 (chorus-api.md §1.2)

    def delay(self, attempt: int) -> float:
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)


class _Retryable(Exception):
    def __init__(self, error: ChorusError) -> None:
        super().__init__(error.message)
        self.error = error


class ChorusClient:
    def __init__(
        self,
        config: ChorusConfig,
        *,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx

        self.config = config
        self.retry = retry or RetryPolicy()
        self._http = httpx.Client(
            timeout=httpx.Timeout(config.read_timeout, connect=config.connect_timeout),
            verify=True,
            transport=transport,
            headers={"User-Agent": "Bordereau"},
        )
        self._tokens = TokenCache(self._fetch_token)
        self._account_header = cpro_account_header(config.login, config.password)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ChorusClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- transport -------------------------------------------------------------------------

    def _fetch_token(self) -> tuple[str, int]:
        """A new access token. PISTE is known to refuse a good client now and then (about one
        call in ten for one production client, chorus-api.md §1.2): the credentials are blamed
        only when a second request, a moment later, is refused too."""
        for attempt in range(AUTH_ATTEMPTS):
            response = self._post_token_request()
            if response.status_code in (400, 401):
                if attempt + 1 < AUTH_ATTEMPTS:
                    self.retry.sleep(self.retry.auth_pause)
                    continue
                raise InvalidClientError(details=f"HTTP {response.status_code}")
            if response.status_code == 429 or response.status_code >= 500:
                raise PlatformUnavailableError(details=f"jeton : HTTP {response.status_code}")
            try:
                token = s.PisteToken.model_validate(response.json())
            except (ValueError, ValidationError) as exc:
                raise ProtocolError(details="réponse du jeton illisible") from exc
            return token.access_token, token.expires_in
        raise AssertionError("unreachable")

    def _post_token_request(self) -> httpx.Response:
        import httpx

        try:
            return self._http.post(
                self.config.token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.config.client_id,
                    "client_secret": self.config.client_secret,
                    "scope": "openid",
                },
            )
        except httpx.HTTPError as exc:
            raise PlatformUnavailableError(
                "Le service d'authentification PISTE ne répond pas. Vérifiez votre connexion "
                "à Internet, puis réessayez.",
                details=type(exc).__name__,
            ) from exc

    def _headers(self, token: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token}",
            "cpro-account": self._account_header,
            "Content-Type": JSON_CONTENT_TYPE,
            "Accept": JSON_CONTENT_TYPE,
        }

    def _send_once(self, method: str, path: str, body: dict[str, Any] | None) -> bytes:
        """The raw JSON answer: a 2xx, or a 4xx that carries the platform's business envelope.

        A 401 with a token PISTE has just issued is the platform's hiccup on chained calls
        (chorus-api.md §1.2): a fresh token and a pause, up to ``AUTH_ATTEMPTS`` times. The
        gateway turned the request away before the API saw it, so this is safe for writes too.
        """
        import httpx

        url = self.config.api_url.rstrip("/") + path
        content = None if body is None else json.dumps(body).encode("utf-8")
        for attempt in range(AUTH_ATTEMPTS):
            token = self._tokens.get()
            try:
                response = self._http.request(
                    method, url, headers=self._headers(token), content=content
                )
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                raise _Retryable(PlatformUnavailableError(details=type(exc).__name__)) from exc
            if response.status_code != 401:
                return _checked(response, path)
            challenge = response.headers.get("WWW-Authenticate", "")
            if "login or password" in challenge.lower():
                raise TechnicalAccountError(details=challenge)
            self._tokens.invalidate(token)
            if attempt + 1 < AUTH_ATTEMPTS:
                log.info("%s : HTTP 401 avec un jeton valide ; nouveau jeton et nouvel essai", path)
                self.retry.sleep(self.retry.auth_pause * (attempt + 1))
        raise _Retryable(
            AccessRefusedError(details=f"HTTP 401 sur {path} après {AUTH_ATTEMPTS} jetons neufs")
        )

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        response_model: type[ResponseT],
        *,
        retry: bool,
    ) -> ResponseT:
        for attempt in range(self.retry.attempts):
            try:
                payload = self._send_once(method, path, body)
                break
            except _Retryable as exc:
                # A write is sent once, unless the gateway turned it away unread (401).
                may_retry = retry or isinstance(exc.error, AccessRefusedError)
                if not may_retry or attempt + 1 >= self.retry.attempts:
                    raise exc.error from exc
                delay = self.retry.delay(attempt)
                log.info("%s : %s ; nouvel essai dans %.1f s", path, exc.error.details, delay)
                self.retry.sleep(delay)
        else:  # pragma: no cover - the loop always breaks or raises
            raise AssertionError("unreachable")
        try:
            # pydantic reads JSON numbers into Decimal fields exactly (no float detour).
            parsed = response_model.model_validate_json(payload)
        except ValidationError as exc:
            if any(error["type"] == "json_invalid" for error in exc.errors()):
                raise ProtocolError(details=f"{path}: corps non JSON") from exc
            raise ProtocolError(details=f"{path}: {exc.error_count()} champ(s) invalides") from exc
        code = getattr(parsed, "codeRetour", 0)
        if code:
            raise business_error(code, getattr(parsed, "libelle", ""))
        if isinstance(parsed, s.Response) and _says_error(payload):
            raise ProtocolError(details=f"{path}: réponse d'erreur sans codeRetour")
        return parsed

    def read(
        self, path: str, request: s.Request | None, response_model: type[ResponseT]
    ) -> ResponseT:
        body = {} if request is None else request.to_json()
        return self._call("POST", path, body, response_model, retry=True)

    def write(self, path: str, request: s.Request, response_model: type[ResponseT]) -> ResponseT:
        return self._call("POST", path, request.to_json(), response_model, retry=False)

    # --- endpoints ---------------------------------------------------------------------------

    def fetch_token(self) -> str:
        """The current access token (fetched when missing or about to expire)."""
        try:
            return self._tokens.get()
        except _Retryable as exc:
            raise exc.error from exc

    def healthcheck(self) -> s.HealthCheck:
        return self._call(
            "GET", "/cpro/transverses/v1/health-check", None, s.HealthCheck, retry=True
        )

    def rechercher_structure(
        self, request: s.RechercherStructureRequest
    ) -> s.RechercherStructureResponse:
        return self.read("/cpro/structures/v1/rechercher", request, s.RechercherStructureResponse)

    def find_structure_by_siret(self, siret: str) -> s.StructureTrouvee | None:
        request = s.RechercherStructureRequest(
            structure=s.RechercherStructureCriteres(
                identifiantStructure=siret, typeIdentifiantStructure="SIRET"
            ),
            parametres=s.ParametresRechercheStructure(
                nbResultatsParPage=10, pageResultatDemandee=1
            ),
            restreindreStructuresPrivees=False,
        )
        try:
            found = self.rechercher_structure(request).listeStructures
        except NotFoundError:
            return None
        return next((item for item in found if item.identifiantStructure == siret), None)

    def consulter_structure(self, id_structure_cpp: int) -> s.ConsulterStructureResponse:
        request = s.ConsulterStructureRequest(idStructureCPP=id_structure_cpp, codeLangue="FR")
        return self.read("/cpro/structures/v1/consulter", request, s.ConsulterStructureResponse)

    def structures_actives_fournisseur(self) -> s.StructuresActivesFournisseurResponse:
        return self.read(
            "/cpro/transverses/v1/recuperer/structures/actives/fournisseur",
            None,
            s.StructuresActivesFournisseurResponse,
        )

    def rechercher_services(
        self, id_structure_cpp: int, *, page: int = 1, per_page: int = 100
    ) -> s.RechercherServicesResponse:
        request = s.RechercherServicesRequest(
            idStructure=id_structure_cpp,
            parametresRechercherServicesStructure=s.ParametresRechercherServices(
                nbResultatsParPage=per_page, pageResultatDemandee=page
            ),
        )
        return self.read(
            "/cpro/structures/v1/rechercher/services", request, s.RechercherServicesResponse
        )

    def all_services(self, id_structure_cpp: int) -> list[s.ServiceExpose]:
        """Every service of a structure, all pages; none when it manages no services."""

        def fetch(page: int) -> tuple[list[s.ServiceExpose], s.ParametresRetour | None]:
            answer = self.rechercher_services(id_structure_cpp, page=page)
            return answer.listeServices, answer.parametresRetour

        return list(all_pages(fetch))

    def consulter_service(
        self, id_structure_cpp: int, id_service: int
    ) -> s.ConsulterServiceResponse:
        request = s.ConsulterServiceRequest(
            idStructure=id_structure_cpp, idService=id_service, codeLangue="FR"
        )
        return self.read(
            "/cpro/structures/v1/consulter/service", request, s.ConsulterServiceResponse
        )

    # --- transverses ----------------------------------------------------------------------

    def ajouter_fichier(self, request: t.AjouterFichierRequest) -> t.AjouterFichierResponse:
        # A lost answer only leaves an unused file on the platform: safe to retry.
        return self.read("/cpro/transverses/v1/ajouter/fichier", request, t.AjouterFichierResponse)

    def rechercher_destinataire(
        self, request: t.RechercherDestinataireRequest
    ) -> t.RechercherDestinataireResponse:
        return self.read(
            "/cpro/transverses/v1/rechercher/destinataire",
            request,
            t.RechercherDestinataireResponse,
        )

    def taux_tva(self) -> t.TauxTvaResponse:
        return self.read(
            "/cpro/transverses/v1/recuperer/tauxtva", t.CodeLangueRequest(), t.TauxTvaResponse
        )

    def motifs_exoneration_tva(self) -> t.MotifsExonerationTvaResponse:
        return self.read(
            "/cpro/transverses/v1/recuperer/motifs/exonerationtva",
            t.CodeLangueRequest(),
            t.MotifsExonerationTvaResponse,
        )

    def types_piece_jointe(self) -> t.TypesPieceJointeResponse:
        return self.read(
            "/cpro/transverses/v1/recuperer/typespj",
            t.TypesPieceJointeRequest(),
            t.TypesPieceJointeResponse,
        )

    def devises(self) -> t.DevisesResponse:
        return self.read(
            "/cpro/transverses/v1/recuperer/devises", t.CodeLangueRequest(), t.DevisesResponse
        )

    def modes_paiement(self) -> t.ModesPaiementResponse:
        return self.read(
            "/cpro/transverses/v1/recuperer/modereglements", None, t.ModesPaiementResponse
        )

    def cadres_facturation(self) -> t.CadresFacturationResponse:
        return self.read(
            "/cpro/transverses/v1/recuperer/cadrefacturation",
            t.CadresFacturationRequest(),
            t.CadresFacturationResponse,
        )

    def coordonnees_bancaires(self, id_structure_cpp: int) -> t.CoordonneesBancairesResponse:
        return self.read(
            "/cpro/transverses/v1/recuperer/coordbanc/valides",
            t.CoordonneesBancairesRequest(idStructure=id_structure_cpp),
            t.CoordonneesBancairesResponse,
        )

    def consulter_cr_detaille(
        self, numero_flux_depot: str, syntaxe_flux: str | None = None
    ) -> t.ConsulterCRDetailleResponse:
        request = t.ConsulterCRDetailleRequest(
            numeroFluxDepot=numero_flux_depot, syntaxeFlux=syntaxe_flux
        )
        return self.read(
            "/cpro/transverses/v1/consulterCRDetaille", request, t.ConsulterCRDetailleResponse
        )

    # --- factures -------------------------------------------------------------------------

    def deposer_pdf(self, request: f.DeposerPdfRequest) -> f.DeposerPdfResponse:
        return self.write("/cpro/factures/v1/deposer/pdf", request, f.DeposerPdfResponse)

    def soumettre(self, request: f.SoumettreRequest) -> f.SoumettreResponse:
        """Sent exactly once. On :class:`PlatformUnavailableError` the outcome is unknown:
        reconcile with :func:`app.chorus.submission.submit_once` rather than resending.

        ``pieceJointePrincipale`` goes as one object, as the swagger's schema says. The
        swagger's example and production clients send a one-item list, which the platform
        takes too (chorus-api.md §2.6). Should the platform refuse the object form (a 400
        without business answer naming the field: nothing was recorded), the list form is
        sent once instead."""
        path = "/cpro/factures/v1/soumettre"
        try:
            return self.write(path, request, f.SoumettreResponse)
        except RequestRejectedError as exc:
            if request.pieceJointePrincipale is None or not _names_main_attachment(exc):
                raise
            log.warning("soumettre : pièce jointe principale refusée en objet ; envoi en liste")
            body = request.to_json()
            body["pieceJointePrincipale"] = [body["pieceJointePrincipale"]]
            return self._call("POST", path, body, f.SoumettreResponse, retry=False)

    def deposer_flux(self, request: f.DeposerFluxRequest) -> f.DeposerFluxResponse:
        return self.write("/cpro/factures/v1/deposer/flux", request, f.DeposerFluxResponse)

    def rechercher_factures(
        self, request: f.RechercherFournisseurRequest
    ) -> f.RechercherFournisseurResponse:
        return self.read(
            "/cpro/factures/v1/rechercher/fournisseur", request, f.RechercherFournisseurResponse
        )

    def iter_factures(
        self, criteria: f.RechercherFournisseurRequest | None = None, *, per_page: int = 100
    ) -> Iterator[f.FactureTrouvee]:
        """Every invoice matching ``criteria``, page after page (an empty search is not an
        error: it yields nothing)."""
        base = criteria or f.RechercherFournisseurRequest()

        def fetch(page: int) -> tuple[list[f.FactureTrouvee], s.ParametresRetour | None]:
            request = base.model_copy(
                update={
                    "rechercheFactureParFournisseur": f.ParametresRechercheFournisseur(
                        pageResultatDemandee=page,
                        nbResultatsParPage=per_page,
                        triColonne="DateDepot",
                        triSens="Ascendant",
                    )
                }
            )
            answer = self.rechercher_factures(request)
            return answer.listeFactures, answer.parametresRetour

        return all_pages(fetch)

    def consulter_facture(self, identifiant_facture_cpp: int) -> f.ConsulterFournisseurResponse:
        request = f.ConsulterFournisseurRequest(
            identifiantFactureCPP=identifiant_facture_cpp, codeLangue="FR"
        )
        return self.read(
            "/cpro/factures/v1/consulter/fournisseur", request, f.ConsulterFournisseurResponse
        )

    def historique(self, identifiant_facture_cpp: int) -> f.ConsulterHistoriqueResponse:
        request = f.ConsulterHistoriqueRequest(
            idFacture=identifiant_facture_cpp,
            paramRechercheHistoStatuts=f.ParamRechercheHistoStatuts(),
        )
        return self.read(
            "/cpro/factures/v1/consulter/historique", request, f.ConsulterHistoriqueResponse
        )

    def telecharger(
        self, identifiants: list[int], *, with_attachments: bool = False
    ) -> f.TelechargerGroupeResponse:
        request = f.TelechargerGroupeRequest(
            listeFacture=[f.IdFacture(idFacture=value) for value in identifiants],
            format="PDF",
            avecPiecesJointesComplementaires="OUI" if with_attachments else "NON",
        )
        return self.read(
            "/cpro/factures/v1/telecharger/groupe", request, f.TelechargerGroupeResponse
        )

    def completer(self, request: f.CompleterRequest) -> f.CompleterResponse:
        return self.write("/cpro/factures/v1/completer", request, f.CompleterResponse)

    def recycler(self, request: f.RecyclerRequest) -> f.RecyclerResponse:
        return self.write("/cpro/factures/v1/recycler", request, f.RecyclerResponse)

    def traiter_rejet(self, identifiants: list[int]) -> f.TraiterRejetResponse:
        # Acknowledging twice is harmless: a read-like retry policy is safe here.
        request = f.TraiterRejetRequest(
            listeDemandePaiement=[f.DemandePaiementRef(idDemandePaiement=v) for v in identifiants]
        )
        return self.read("/cpro/factures/v1/traiterRejet", request, f.TraiterRejetResponse)


ItemT = TypeVar("ItemT")


def all_pages(
    fetch: Callable[[int], tuple[list[ItemT], s.ParametresRetour | None]],
) -> Iterator[ItemT]:
    """Page 1, 2… until ``parametresRetour.pages``; "no result" ends the search quietly."""
    page = 1
    while True:
        try:
            items, paging = fetch(page)
        except NotFoundError:
            return
        yield from items
        if page >= (paging.pages if paging else 1) or not items:
            return
        page += 1


_KEYWORD_ERRORS: tuple[tuple[tuple[str, ...], type[BusinessError]], ...] = (
    (("existe déjà",), DuplicateInvoiceError),
    (("déjà été déposée",), DuplicateInvoiceError),
    (("factures_publiques",), ServiceUnknownError),
    (("service ou", "engagement"), ServiceOrEngagementRequiredError),
    (("engagement", "obligatoire"), EngagementRequiredError),
    (("volumineux",), FileTooLargeError),
    (("taille maximale",), FileTooLargeError),
    (("service", "obligatoire"), ServiceRequiredError),
    (("service", "inconnu"), ServiceUnknownError),
    (("service", "inactif"), ServiceUnknownError),
    (("destinataire", "inconnu"), RecipientUnknownError),
    (("destinataire", "inactif"), RecipientUnknownError),
    (("pièce jointe principale",), AttachmentMissingError),
    (("montant",), AmountsIncoherentError),
    (("statut",), StatusNotAllowedError),
)


def business_error(code: int, libelle: str) -> BusinessError:
    """Map ``codeRetour``/``libelle`` to a typed error with a French message.

    The official message appendix is not public, so the few attested keys come first, then
    the wording of the message itself."""
    text = libelle.lower()
    if "gdp_msg_11.033" in text or "gdp_msg_11.001" in text:
        return StatusNotAllowedError(code, libelle)
    if "gdp_msg_11.022" in text:
        return FileTooLargeError(code, libelle)
    if (
        any(key in text for key in NO_RESULT_KEYS)
        or any(words in text for words in NO_RESULT_WORDS)
        or (code in NO_RESULT_CODES and "n'existe pas" in text)
    ):
        return NotFoundError(code, libelle, f"Chorus Pro ne trouve rien : {libelle}")
    for words, error_type in _KEYWORD_ERRORS:
        if all(word in text for word in words):
            return error_type(code, libelle)
    return BusinessError(code, libelle)


def _envelope_code(response: httpx.Response) -> int | None:
    """``codeRetour`` when the body is Chorus Pro's business answer, else None."""
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("codeRetour") if isinstance(body, dict) else None
    if isinstance(code, bool) or not isinstance(code, int | str):
        return None
    try:
        return int(code)
    except ValueError:
        return None


def _excerpt(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:BODY_EXCERPT] or "(corps vide)"


def _checked(response: httpx.Response, path: str) -> bytes:
    """The body to parse, or the typed error an answer that is not a success stands for.

    A business refusal may come with HTTP 400 as well as 200 (go-choruspro, chorus-api.md
    §2.5): such a body is returned to be read like any other. Any other non-2xx answer is an
    error, never an envelope with ``codeRetour`` 0."""
    status = response.status_code
    if 200 <= status < 300:
        return response.content
    if status == 403:
        raise SubscriptionMissingError(details=f"HTTP 403 {path}")
    if status == 413:
        raise FileTooLargeError(413, "HTTP 413")
    if status == 429:
        raise _Retryable(RateLimitedError(details=path))
    if status >= 500:
        raise _Retryable(PlatformUnavailableError(details=f"HTTP {status} {path}"))
    if status == 404:
        raise ProtocolError(
            "Cette fonction de Chorus Pro est introuvable à l'adresse configurée.",
            details=f"HTTP 404 {path}",
        )
    code = _envelope_code(response)
    if 400 <= status < 500 and code:
        return response.content
    raise RequestRejectedError(status, details=f"HTTP {status} {path} : {_excerpt(response)}")


def _says_error(payload: bytes) -> bool:
    """A 2xx body that is an error report rather than an answer (``{"error": …}``); such a
    report is small and names ``"error"``, so an ordinary answer is not parsed twice."""
    if len(payload) > 65536 or b'"error"' not in payload:
        return False
    try:
        body = json.loads(payload)
    except ValueError:
        return False
    return isinstance(body, dict) and "codeRetour" not in body and "error" in body


def _names_main_attachment(error: RequestRejectedError) -> bool:
    details = (error.details or "").lower()
    return error.status == 400 and "piecejointeprincipale" in details
