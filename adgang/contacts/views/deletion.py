from adgang.contacts.views._pending import pending

group_delete = deletion_progress = pending
