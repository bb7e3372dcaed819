from adgang.contacts.views._pending import pending

overview = pending
