"""The Digital Post core's store (SPEC §13, §5): messages, deliveries, receipts, mailboxes
and the message events every log, statistic and recall reads.

Design for national scale (tens of millions of events on PostgreSQL):
- `MessageEvent` is append-only and denormalised: each row carries what the message log
  shows and filters on (ids, systems, contact point, kind, title, value date …), so a search
  never joins. Every search of SPEC §5 has an index that starts with the organisation and
  ends with the time.
- The MeMo XML lives in `MessageContent`, one row per message, so listing messages never
  loads blobs.
- A `Delivery` is the unit of work of the delivery worker: one row per message and receiving
  system. The unique constraint (message, system) and the claim by conditional UPDATE make
  "never delivered twice to the same system" hold with any number of workers.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adgang.core.clock import now
from adgang.messaging.events import Direction, EventTag

TITLE_MAX_LENGTH = 255


class IdType(models.TextChoices):
    CPR = "CPR", "CPR"
    CVR = "CVR", "CVR"


class MessageType(models.TextChoices):
    DIGITALPOST = "DIGITALPOST", "DIGITALPOST"
    NEMSMS = "NEMSMS", "NEMSMS"


class MessageKind(models.TextChoices):
    """The message log's "Type" (SPEC §5)."""

    LETTER = "BREV", _("Brev")
    LEGAL_NOTIFICATION = "FORKYNDELSE", _("Forkyndelse")
    NEMSMS = "NEMSMS", _("NemSMS")
    MANDATORY = "OBLIGATORISK", _("Obligatorisk")


class Route(models.TextChoices):
    """Where routing (SPEC §13) sends a message."""

    MAILBOX = "MAILBOX", _("Postkasse")
    SYSTEM = "SYSTEM", _("Modtagersystem")
    NEMSMS = "NEMSMS", _("NemSMS")
    NONE = "NONE", _("Ikke digitalt")  # exempt, not mandatory: no digital delivery


class MessageState(models.TextChoices):
    HELD = "HELD", _("Afventer valør")  # value date in the future; can be recalled
    QUEUED = "QUEUED", _("Sendes")  # deliveries pending
    DELIVERED = "DELIVERED", _("Leveret")  # in the mailbox, pushed or available for pull
    FETCHED = "FETCHED", _("Afhentet")
    RECALLED = "RECALLED", _("Tilbagekaldt")
    REJECTED = "REJECTED", _("Afvist")  # routing refused it (exempt, no NemSMS, …)
    FAILED = "FAILED", _("Fejlet")  # every delivery attempt failed


def kind_of(*, message_type: str, legal_notification: bool, mandatory: bool) -> str:
    if message_type == MessageType.NEMSMS:
        return MessageKind.NEMSMS
    if legal_notification:
        return MessageKind.LEGAL_NOTIFICATION
    if mandatory:
        return MessageKind.MANDATORY
    return MessageKind.LETTER


class Message(models.Model):
    """A MeMo message accepted by the sender API (SPEC §13).

    `id` is NgDP's `messageId` (ours); `message_uuid` is the sender's `messageUUID`, unique
    over the whole platform: the same messageUUID twice is refused.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message_uuid = models.UUIDField(unique=True)
    memo_message_id = models.CharField(max_length=100, blank=True)  # MeMo header messageID
    transmission_id = models.UUIDField(db_index=True)
    memo_version = models.CharField(max_length=5)
    sender_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="sent_messages"
    )
    sender_system = models.ForeignKey(
        "systems.MailSystem", on_delete=models.PROTECT, related_name="sent_messages"
    )
    sender_id = models.CharField(max_length=20)  # the sending organisation's CVR
    recipient_id_type = models.CharField(max_length=3, choices=IdType.choices)
    recipient_id = models.CharField(max_length=10)
    # The receiving organisation when the recipient is a known organisation (authority or a
    # company with a receiver system), and its contact point when that point exists there.
    recipient_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_messages",
    )
    contact_point_id = models.CharField(max_length=64, blank=True)  # as written in the MeMo
    resolved_point = models.ForeignKey(
        "contacts.ContactPoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    message_type = models.CharField(max_length=12, choices=MessageType.choices)
    kind = models.CharField(max_length=12, choices=MessageKind.choices)
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)
    mandatory = models.BooleanField(default=False)
    legal_notification = models.BooleanField(default=False)
    # valørdato: the date (Europe/Copenhagen) before which the message must not be delivered.
    value_date = models.DateField(null=True, blank=True)
    deliver_after = models.DateTimeField(null=True, blank=True)  # value date 00:00 in UTC
    content_responsible_id = models.CharField(max_length=64, blank=True)
    representative_id = models.CharField(max_length=64, blank=True)
    attachment_count = models.PositiveSmallIntegerField(default=0)
    size_bytes = models.PositiveBigIntegerField(default=0)
    features = models.JSONField(default=list, blank=True)  # memo.features(), for statistics
    route = models.CharField(max_length=10, choices=Route.choices)
    state = models.CharField(max_length=10, choices=MessageState.choices)
    created_at = models.DateTimeField(default=now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    recalled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["sender_organisation", "created_at"]),
            models.Index(fields=["state", "deliver_after"]),  # releasing held messages
            models.Index(fields=["recipient_id_type", "recipient_id", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.message_uuid} {self.title}"


class MessageContent(models.Model):
    """The MeMo XML exactly as received (what REST PUSH/PULL hand to receiver systems)."""

    message = models.OneToOneField(
        Message, on_delete=models.CASCADE, primary_key=True, related_name="content"
    )
    xml = models.BinaryField()

    def __str__(self) -> str:
        return f"content of {self.message_id}"


class DeliveryState(models.TextChoices):
    PENDING = "PENDING", _("Afventer")  # due at next_attempt_at
    IN_FLIGHT = "IN_FLIGHT", _("Sendes")  # claimed by a worker until lease_until
    AVAILABLE = "AVAILABLE", _("Klar til afhentning")  # REST PULL / PUBLISH-SUBSCRIBE
    DELIVERED = "DELIVERED", _("Leveret")  # REST PUSH answered 2xx
    FETCHED = "FETCHED", _("Afhentet")  # pulled and deleted by the receiver
    FAILED = "FAILED", _("Fejlet")  # gave up (policy exhausted)
    SUPERSEDED = "SUPERSEDED", _("Sendt videre")  # moved on to the primary system
    CANCELLED = "CANCELLED", _("Annulleret")  # recalled, or delivered elsewhere


class DeliveryPhase(models.TextChoices):
    """SPEC §3 delivery policy: the receiver system for 7 days, then the primary system."""

    RECEIVER = "RECEIVER", _("Modtagersystem")
    PRIMARY = "PRIMARY", _("Primærsystem")


class Delivery(models.Model):
    id = models.BigAutoField(primary_key=True)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    system = models.ForeignKey(
        "systems.MailSystem", on_delete=models.PROTECT, related_name="deliveries"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="deliveries"
    )
    phase = models.CharField(max_length=10, choices=DeliveryPhase.choices)
    state = models.CharField(max_length=10, choices=DeliveryState.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "system"], name="messaging_delivery_once")
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["system", "state", "created_at"]),  # REST PULL listing
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.system_id} ({self.state})"


class MailboxItem(models.Model):
    """A message in a platform mailbox (SPEC §13): citizens and companies without a receiver
    system, and authorities' post on the platforms (the source of Flyt post, SPEC §12)."""

    id = models.BigAutoField(primary_key=True)
    owner_id_type = models.CharField(max_length=3, choices=IdType.choices)
    owner_id = models.CharField(max_length=10)
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="mailbox_item")
    placed_at = models.DateTimeField(default=now)
    opened_at = models.DateTimeField(null=True, blank=True)
    moved_at = models.DateTimeField(null=True, blank=True)  # fetched off the platform

    class Meta:
        indexes = [models.Index(fields=["owner_id_type", "owner_id", "placed_at"])]

    def __str__(self) -> str:
        return f"{self.owner_id_type} {self.owner_id}: {self.message_id}"


class ReceiptKind(models.TextChoices):
    TECHNICAL = "TECHNICAL", _("Teknisk kvittering")
    BUSINESS = "BUSINESS", _("Forretningskvittering")


class ReceiptStatus(models.TextChoices):
    NOT_ALLOWED = "NOT_ALLOWED", "NOT_ALLOWED"
    INVALID = "INVALID", "INVALID"
    RECEIVED = "RECEIVED", "RECEIVED"
    COMPLETED = "COMPLETED", "COMPLETED"


class ReceiptPush(models.TextChoices):
    """How a receipt reaches its sender system: POSTed (REST PUSH senders) or pulled."""

    PULL = "PULL", _("Afhentes")
    PENDING = "PENDING", _("Sendes")
    SENT = "SENT", _("Sendt")
    FAILED = "FAILED", _("Fejlet")


class Receipt(models.Model):
    """A receipt for a sender system (NGDP-API.md "Receipt"). Technical receipts answer the
    upload; business receipts come from the receiving system."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    system = models.ForeignKey(
        "systems.MailSystem", on_delete=models.PROTECT, related_name="receipts"
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="receipts"
    )
    kind = models.CharField(max_length=10, choices=ReceiptKind.choices)
    transmission_id = models.UUIDField()
    message_uuid = models.CharField(max_length=64, blank=True)  # also for refused messages
    error_code = models.CharField(max_length=100, blank=True)
    error_message = models.TextField(blank=True)
    receipt_status = models.CharField(max_length=12, choices=ReceiptStatus.choices)
    time_stamp = models.DateTimeField(default=now)
    push = models.CharField(max_length=10, choices=ReceiptPush.choices, default=ReceiptPush.PULL)
    push_attempts = models.PositiveSmallIntegerField(default=0)
    next_push_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)  # removed by the sender

    class Meta:
        indexes = [
            models.Index(fields=["system", "deleted_at", "time_stamp"]),
            models.Index(fields=["push", "next_push_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.receipt_status} {self.message_uuid}"


class Subscription(models.Model):
    """REST PUBLISH/SUBSCRIBE (NGDP-API.md): where Digital Post notifies a receiver system
    that a message is ready to pull."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    system = models.ForeignKey(
        "systems.MailSystem", on_delete=models.CASCADE, related_name="subscriptions"
    )
    notification_url = models.URLField(max_length=2048)
    operations = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"{self.system_id} → {self.notification_url}"


class MessageEvent(models.Model):
    """One event of the message log (SPEC §5), in one organisation's log.

    Append-only and denormalised (see the module docstring). `message` is null for events
    about refused messages that were never stored (bulk and SFTP uploads, "Afvist teknisk").
    """

    id = models.BigAutoField(primary_key=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="message_events"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    event = models.CharField(max_length=60, choices=EventTag.choices)
    occurred_at = models.DateTimeField(default=now)
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    message_uuid = models.CharField(max_length=64, blank=True)
    transmission_id = models.UUIDField(null=True, blank=True)
    message_type = models.CharField(max_length=12, blank=True)
    kind = models.CharField(max_length=12, choices=MessageKind.choices, blank=True)
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)
    sender_id = models.CharField(max_length=20, blank=True)
    sender_type = models.CharField(max_length=3, blank=True)
    recipient_id = models.CharField(max_length=10, blank=True)
    recipient_type = models.CharField(max_length=3, blank=True)
    sender_system_id = models.UUIDField(null=True, blank=True)
    recipient_system_id = models.UUIDField(null=True, blank=True)
    contact_point_id = models.CharField(max_length=64, blank=True)
    endpoint = models.CharField(max_length=2048, blank=True)
    error_message = models.TextField(blank=True)
    attachment_count = models.PositiveSmallIntegerField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    value_date = models.DateField(null=True, blank=True)
    content_responsible_id = models.CharField(max_length=64, blank=True)
    representative_id = models.CharField(max_length=64, blank=True)
    receipt_status = models.CharField(max_length=12, blank=True)
    mandatory = models.BooleanField(default=False)
    legal_notification = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "occurred_at"], name="msgevent_org_time"),
            # The system search matches either column (an OR no single ordered index serves):
            # with both in the index, PostgreSQL counts and pages it by an index-only scan.
            models.Index(
                fields=["organisation", "occurred_at"],
                include=["sender_system_id", "recipient_system_id"],
                name="msgevent_org_time_systems",
            ),
            models.Index(
                fields=["organisation", "message_uuid", "occurred_at"], name="msgevent_org_uuid"
            ),
            models.Index(
                fields=["organisation", "sender_id", "occurred_at"], name="msgevent_org_sender"
            ),
            models.Index(
                fields=["organisation", "recipient_id", "occurred_at"],
                name="msgevent_org_recipient",
            ),
            models.Index(
                fields=["organisation", "event", "occurred_at"], name="msgevent_org_event"
            ),
            models.Index(fields=["organisation", "kind", "occurred_at"], name="msgevent_org_kind"),
            models.Index(
                fields=["organisation", "direction", "occurred_at"], name="msgevent_org_dir"
            ),
            models.Index(
                fields=["organisation", "sender_system_id", "occurred_at"],
                name="msgevent_org_sendsys",
            ),
            models.Index(
                fields=["organisation", "recipient_system_id", "occurred_at"],
                name="msgevent_org_recsys",
            ),
            models.Index(fields=["message", "occurred_at"], name="msgevent_message"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=["OUT", "IN"]), name="msgevent_direction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.message_uuid}"
