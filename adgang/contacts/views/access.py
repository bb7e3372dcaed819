"""Who may use the Kontaktstruktur pages: a Kontaktstrukturadministrator of an authority
(SPEC §1: the contact structure is for authorities only; a company gets 403)."""

from adgang.accounts import rights as r
from adgang.accounts.access import rights_required
from adgang.accounts.models import OrganisationKind

ACCESS = rights_required(r.KONTAKTSTRUKTURADMINISTRATOR, kinds=(OrganisationKind.MYNDIGHED,))
