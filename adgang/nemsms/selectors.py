"""What the rest of the platform asks about NemSMS (SPEC §7, §13)."""

from adgang.nemsms.models import NemSmsConfirmation, NemSmsRegistration, NemSmsState
from adgang.nemsms.tokens import TOKEN_MAX_LENGTH, token_hash


def nemsms_registration_active(id_type: str, number: str) -> NemSmsRegistration | None:
    return NemSmsRegistration.objects.filter(
        id_type=id_type, number=number, state=NemSmsState.ACTIVE
    ).first()


def nemsms_active(id_type: str, number: str) -> bool:
    """NemSMS messages reach only a confirmed registration (SPEC §13)."""
    return nemsms_registration_active(id_type, number) is not None


def nemsms_registration_live(id_type: str, number: str) -> NemSmsRegistration | None:
    """The citizen's or company's registration that is pending or active, if any (SPEC §7).

    A registration belongs to the citizen or company, not to the authority that made it: any
    authority's caseworker with the right looks it up by CPR/CVR (guide §9.2), so this read
    takes no organisation. Its open confirmation (a number awaiting confirmation) is
    `registration.open_confirmation`, or None.
    """
    registration = (
        NemSmsRegistration.objects.filter(id_type=id_type, number=number)
        .exclude(state=NemSmsState.CANCELLED)
        .first()
    )
    if registration is not None:
        registration.open_confirmation = confirmation_open(registration)
    return registration


def confirmation_open(registration: NemSmsRegistration) -> NemSmsConfirmation | None:
    return registration.confirmations.filter(
        used_at__isnull=True, superseded_at__isnull=True
    ).first()


def confirmation_by_token(token: str) -> NemSmsConfirmation | None:
    """The confirmation a link's token belongs to (only its SHA-256 is stored), or None."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return (
        NemSmsConfirmation.objects.select_related("registration")
        .filter(token_hash=token_hash(token))
        .first()
    )
