"""What the rest of the platform asks about NemSMS (SPEC §7, §13)."""

from adgang.nemsms.models import NemSmsRegistration, NemSmsState


def nemsms_registration_active(id_type: str, number: str) -> NemSmsRegistration | None:
    return NemSmsRegistration.objects.filter(
        id_type=id_type, number=number, state=NemSmsState.ACTIVE
    ).first()


def nemsms_active(id_type: str, number: str) -> bool:
    """NemSMS messages reach only a confirmed registration (SPEC §13)."""
    return nemsms_registration_active(id_type, number) is not None
