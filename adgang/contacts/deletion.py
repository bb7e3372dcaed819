"""Deleting a contact group and what lies only below it (SPEC §4 "Delete group", guide §6.5).

Whole or not at all: the plan (`graph.Structure.deletion_plan`) is computed again inside the
transaction, under the organisation's lock, and every deletion and removed reference is
logged in that same transaction.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _log_text

from adgang.audit.services import Actor
from adgang.contacts.graph import GROUP, POINT, Node, Structure
from adgang.contacts.models import ContactGroup, ContactPoint, GroupInGroup, PointInGroup
from adgang.contacts.services import (
    _deleted_log,
    _groups_label,
    _locked_organisation,
    _log,
    _parents_label,
    _still_there,
)
from adgang.core.clock import now as clock_now

# Rows deleted per statement: keeps the IN lists of a large deletion within every database's
# limit on query parameters.
DELETE_BATCH = 500


@dataclass(frozen=True)
class DeletionResult:
    """What `group_delete` did, for the confirmation message and the progress page."""

    group_id: uuid.UUID
    group_name: str
    deleted_groups: int
    deleted_points: int
    removed_references: int


def _batches(ids: Iterable) -> Iterable[list]:
    ids = sorted(ids, key=str)
    for start in range(0, len(ids), DELETE_BATCH):
        yield ids[start : start + DELETE_BATCH]


def group_delete(
    *, actor: Actor, group: ContactGroup, now: datetime | None = None
) -> DeletionResult:
    """Delete a group and what lies only below it (SPEC §4 "Delete group", guide §6.5).

    The plan is computed again here, under the organisation's lock, on the structure as it
    is now — not the one the preview showed — and carried out in one transaction: a node is
    deleted exactly when it cannot be reached from the top level without passing through the
    group; a node also placed elsewhere only loses its reference to a deleted group. Either
    all of it happens, with a log entry per deleted node and per removed reference, or none.
    """
    at = now or clock_now()
    with transaction.atomic():
        organisation = _locked_organisation(group.organisation_id)
        current = _still_there(ContactGroup.objects.filter(organisation=organisation), group.pk)
        structure = Structure.load(organisation)
        plan = structure.deletion_plan(current.pk)

        def group_names(ids: Iterable[uuid.UUID]) -> list[str]:
            return sorted((structure.names[Node(GROUP, p)] for p in ids), key=str.casefold)

        def parent_names(node: Node) -> list[str]:
            return group_names(structure.parents.get(node, ()))

        # Survivors first: each loses only its references to deleted groups.
        _references_remove(actor, organisation, plan, structure, group_names, at)
        deleted = plan.delete
        for model, kind, label in (
            (ContactPoint, POINT, _groups_label()),
            (ContactGroup, GROUP, _parents_label()),
        ):
            ids = [node.id for node in deleted if node.kind == kind]
            for batch in _batches(ids):
                rows = model.objects.filter(organisation=organisation, pk__in=batch)
                for row in sorted(rows, key=lambda r: (r.name.casefold(), str(r.pk))):
                    _deleted_log(actor, organisation, row, label, parent_names(Node(kind, row.pk)))
                model.objects.filter(organisation=organisation, pk__in=batch).delete()
    return DeletionResult(
        group_id=current.pk,
        group_name=current.name,
        deleted_groups=len(plan.deleted_group_ids),
        deleted_points=len(plan.deleted_point_ids),
        removed_references=len(plan.removed_edges),
    )


def _references_remove(actor, organisation, plan, structure, group_names, at) -> None:
    """Remove the survivors' edges to deleted groups, logging each survivor's groups."""
    lost: dict[Node, set[uuid.UUID]] = {}
    for parent_id, child in plan.removed_edges:
        lost.setdefault(child, set()).add(parent_id)
    kinds = {
        GROUP: (ContactGroup, GroupInGroup, "child_id", "parent_id__in", _parents_label()),
        POINT: (ContactPoint, PointInGroup, "point_id", "group_id__in", _groups_label()),
    }
    for kind, (model, edge_model, column, parent_column, label) in kinds.items():
        survivors = {node.id: parents for node, parents in lost.items() if node.kind == kind}
        for batch in _batches(survivors):
            for row in model.objects.filter(organisation=organisation, pk__in=batch).order_by():
                parents = structure.parents.get(Node(kind, row.pk), set())
                edge_model.objects.filter(
                    **{column: row.pk, parent_column: survivors[row.pk]}
                ).delete()
                _log(
                    actor=actor,
                    organisation=organisation,
                    event=_log_text("Reference fjernet"),
                    node=row,
                    changes={
                        label: (
                            group_names(parents),
                            group_names(parents - survivors[row.pk]),
                        )
                    },
                )
            model.objects.filter(pk__in=batch).update(version=F("version") + 1, updated_at=at)
