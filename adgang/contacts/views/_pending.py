"""Placeholders while the views of this slice are being written (replaced in this session)."""

from adgang.accounts import rights as r
from adgang.accounts.access import rights_required
from adgang.accounts.models import OrganisationKind

ACCESS = rights_required(r.KONTAKTSTRUKTURADMINISTRATOR, kinds=(OrganisationKind.MYNDIGHED,))


@ACCESS
def pending(request, *args, **kwargs):
    raise NotImplementedError
