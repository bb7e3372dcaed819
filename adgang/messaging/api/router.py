"""The one ninja router of /apis/v1: sender and receiver operations share paths (`/memos/`
is POST for senders and GET for receivers), and ninja merges operations into one URL only
within a router."""

from ninja import Router

router = Router()
