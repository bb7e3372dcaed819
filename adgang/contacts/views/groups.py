from adgang.contacts.views._pending import pending

group_create = group_detail = group_edit = pending
