"""What the window and the command line are given: one service per use case, all on one
shared context (the composition root, ``app.context``).

Widgets never open a database session or an HTTP connection themselves; they ask the service
of their use case. Long operations take an optional ``progress`` callback so that the UI can
adapt them to signals.
"""

from __future__ import annotations

from app.account.service import AccountService
from app.context import AppContext
from app.credentials import CredentialStore
from app.deposit.service import DepositService
from app.directory.service import DirectoryService
from app.invoices.service import InvoiceService
from app.invoicing.service import InvoicingService
from app.pa.service import PlatformService
from app.paths import AppPaths
from app.receiving.service import ReceivedService
from app.sync.service import SyncService
from app.tickets.service import TicketService


class Services:
    def __init__(
        self,
        paths: AppPaths,
        *,
        database_url: str | None = None,
        credential_store: CredentialStore | None = None,
    ) -> None:
        self.context = AppContext(
            paths, database_url=database_url, credential_store=credential_store
        )
        self.account = AccountService(self.context)
        self.directory = DirectoryService(self.context)
        self.deposit = DepositService(self.context, self.directory)
        self.invoices = InvoiceService(self.context, self.deposit)
        self.tickets = TicketService(self.context, self.directory, self.deposit)
        self.platform = PlatformService(self.context)
        self.received = ReceivedService(self.context, self.platform)
        self.sync = SyncService(self.context, self.platform, self.received)
        self.invoicing = InvoicingService(self.context, self.deposit, self.platform)

    def close(self) -> None:
        self.context.close()
