from adgang.contacts.views._pending import pending

export = import_upload = import_review = pending
