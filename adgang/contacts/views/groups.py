"""Contact groups: create, edit and details (SPEC §4 "Contact group", guide §6.4 and §6.6).

Every save goes through `services.group_create` / `group_update`, which check the values
again, refuse a parent of another organisation and a cycle, and write the action log. Another
organisation's group answers 404 (`selectors.group_get`).
"""

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from adgang.audit.services import Actor
from adgang.contacts import deeplinks, selectors, services
from adgang.contacts.forms_groups import GroupForm
from adgang.contacts.graph import GROUP, POINT, Node, Structure
from adgang.contacts.models import ContactGroup, ContactPoint
from adgang.contacts.services import ContactRuleError
from adgang.contacts.views.access import ACCESS

READ_AND_POST = ("GET", "HEAD", "POST")


def _form_page(request, form: GroupForm, group: ContactGroup | None):
    return render(request, "contacts/group_form.html", {"form": form, "group": group})


@ACCESS
def group_create(request):
    """ "Opret kontaktgruppe" (guide §6.4): one page; the group lands on its details page."""
    organisation = request.acting.organisation
    if request.method not in READ_AND_POST:
        return HttpResponseNotAllowed(READ_AND_POST)
    structure = Structure.load(organisation)
    if request.method != "POST":
        return _form_page(request, GroupForm(structure=structure), None)
    form = GroupForm(request.POST, structure=structure)
    if form.is_valid():
        try:
            group = services.group_create(
                actor=Actor.of(request.acting),
                organisation=organisation,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                organisational_unit=form.cleaned_data["organisational_unit"],
                parent_ids=form.cleaned_data["parents"],
            )
        except ContactRuleError as error:
            form.rule_error_show(error)
        else:
            messages.success(
                request, _("Kontaktgruppen »%(name)s« er oprettet.") % {"name": group.name}
            )
            return redirect("contacts:group-detail", pk=group.pk)
    return _form_page(request, form, None)


@ACCESS
def group_edit(request, pk):
    """ "Redigér" a group: its fields and the groups it sits in (SPEC §4)."""
    organisation = request.acting.organisation
    group = selectors.group_get(organisation, pk)
    if request.method not in READ_AND_POST:
        return HttpResponseNotAllowed(READ_AND_POST)
    structure = Structure.load(organisation)
    if request.method != "POST":
        initial = {
            "name": group.name,
            "description": group.description,
            "organisational_unit": group.organisational_unit,
            "parents": [str(pk) for pk in structure.parents.get(Node(GROUP, group.pk), ())],
        }
        form = GroupForm(initial=initial, structure=structure, group_id=group.pk)
        return _form_page(request, form, group)
    form = GroupForm(request.POST, structure=structure, group_id=group.pk)
    if form.is_valid():
        version = group.version
        try:
            updated = services.group_update(
                actor=Actor.of(request.acting),
                group=group,
                changes={
                    "name": form.cleaned_data["name"],
                    "description": form.cleaned_data["description"],
                    "organisational_unit": form.cleaned_data["organisational_unit"],
                    "parent_ids": form.cleaned_data["parents"],
                },
            )
        except ContactRuleError as error:
            form.rule_error_show(error)
        else:
            if updated.version != version:
                messages.success(request, _("Kontaktgruppen er gemt."))
            else:
                messages.info(request, _("Der var ingen ændringer at gemme."))
            return redirect("contacts:group-detail", pk=group.pk)
    return _form_page(request, form, group)


@ACCESS
def group_detail(request, pk):
    """A group's fields, parents, derived accessibility, content and deep links with QR codes
    (SPEC §4; guide §6.6)."""
    organisation = request.acting.organisation
    group = selectors.group_get(organisation, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(("GET", "HEAD"))
    structure = Structure.load(organisation)
    node = Node(GROUP, group.pk)
    below = {n.id for n in structure.descendants(group.pk) if n.kind == POINT}
    # The organisation's active and visible points, kept here when below the group: one
    # query of two columns, no IN list of thousands of ids, no full model rows.
    points = [
        ContactPoint(id=point_id, organisation=organisation, targets=targets, active=True)
        for point_id, targets in selectors.points_of(organisation)
        .filter(active=True, visible=True)
        .values_list("id", "targets")
        if point_id in below
    ]
    links = [
        {
            "target": link.target,
            "label": link.label,
            "url": link.url,
            # segno's own markup of our URL (no script, no style): safe to place inline.
            "qr": mark_safe(deeplinks.qr_svg(link.url, title=link.label)),  # noqa: S308
        }
        for link in deeplinks.group_links(group, points)
    ]
    parents = sorted(
        (Node(GROUP, parent_id) for parent_id in structure.parents.get(node, ())),
        key=structure.display_key,
    )
    return render(
        request,
        "contacts/group_detail.html",
        {
            "group": group,
            "parents": [{"id": p.id, "name": structure.names[p]} for p in parents],
            "children": [
                {"id": child.id, "name": structure.names[child], "is_group": child.kind == GROUP}
                for child in structure.sorted_children(group.pk)
            ],
            "accessibility": selectors.group_accessibility(group, structure=structure),
            "links": links,
        },
    )
