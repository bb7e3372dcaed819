"""`manage.py demo` step for Myndighedsinformation (SPEC §15): Kommune A gets a link and a
logo through the services; running it again adds nothing."""

import io

from PIL import Image

from adgang.audit.models import ActionLogEntry, Subject
from adgang.authorityinfo import demo
from adgang.authorityinfo.models import AuthorityInfo
from adgang.authorityinfo.validation import privacy_link_clean


def test_demo_gives_kommune_a_a_link_and_a_logo_and_is_idempotent(personas):
    assert demo.load() == {"links": 1, "logos": 1}
    assert demo.load() == {"links": 0, "logos": 0}

    info = AuthorityInfo.objects.get(organisation=personas.alice.organisation)
    assert info.privacy_link == privacy_link_clean(demo.PRIVACY_LINK)
    with Image.open(io.BytesIO(bytes(info.logo_png))) as image:
        assert image.size == (demo.LOGO_SIDE, demo.LOGO_SIDE)
    entries = ActionLogEntry.objects.filter(subject=Subject.MYNDIGHEDSINFORMATION)
    assert entries.count() == 2
    assert set(entries.values_list("actor", flat=True)) == {personas.alice.actor_id}
    assert not AuthorityInfo.objects.exclude(organisation=personas.alice.organisation).exists()
