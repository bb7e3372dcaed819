"""Objects of another organisation (Kommune M) for every kind of id a browser URL carries.

The demo gives M mail systems and contact structure. For the kinds it gives M none of
(statistics reports, read accesses, the logo, group deletions, imports) one is made or moved
to M here, inside the module's transaction, so every id parameter points at M's data.
"""

import hashlib
import uuid

from adgang.accounts import demo
from adgang.accounts.models import Organisation
from adgang.authorityinfo.models import AuthorityInfo
from adgang.contacts import transfer
from adgang.contacts.models import ContactGroup, ContactPoint, GroupDeletion, ImportBatch
from adgang.readaccess.models import ReadAccess
from adgang.statistics.models import Report
from adgang.systems.models import MailSystem, SystemTemplate


def _moved_to(model, organisation: Organisation):
    obj = model.objects.exclude(organisation=organisation).order_by("pk").first()
    model.objects.filter(pk=obj.pk).update(organisation=organisation)
    return obj.pk


def foreign_objects(memberships) -> dict[str, uuid.UUID]:
    """Route prefix → the pk of one of Kommune M's objects that the route's <pk> names.

    Standard systems belong to suppliers, not authorities: there it is Leverandør T's, seen
    by Leverandør S.
    """
    m = memberships["maja"].organisation
    group = ContactGroup.objects.filter(organisation=m).order_by("pk").first()
    deletion = GroupDeletion.objects.create(
        organisation=m, group_id=group.pk, group_name=group.name, actor_display="Maja Madsen"
    )
    content = transfer.build_workbook(m)  # M's own export, analysed as the upload page does
    sha256 = hashlib.sha256(content).hexdigest()
    batch = ImportBatch.objects.create(
        organisation=m,
        uploaded_by="Maja Madsen",
        filename="m.xlsx",
        content=content,
        sha256=sha256,
        report=transfer.analyse(m, content).report(sha256),
    )
    return {
        "systemtilslutning/standardsystemer/": SystemTemplate.objects.filter(
            supplier__cvr=demo.ORGANISATIONS["T"][0]
        )[0].pk,
        "systemtilslutning/": MailSystem.objects.filter(organisation=m).order_by("pk")[0].pk,
        "kontaktstruktur/gruppe/": group.pk,
        "kontaktstruktur/sletning/": deletion.pk,
        "kontaktstruktur/kontaktpunkt/": ContactPoint.objects.filter(organisation=m)[0].pk,
        "kontaktstruktur/import/": batch.pk,
        "adgang/": _moved_to(ReadAccess, m),
        "myndighedsinformation/": _moved_to(AuthorityInfo, m),
        "statistik/": _moved_to(Report, m),
    }
