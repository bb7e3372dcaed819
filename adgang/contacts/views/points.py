from adgang.contacts.views._pending import pending

point_create = point_detail = point_edit = point_receipt = point_qr = point_delete = pending
