"""The SFTP intake of SFTP sender systems (SPEC §3, §13): `server` (asyncssh, SFTP only),
`auth` (who may log in), `filesystem` (the virtual folders /in and /receipts), `intake`
(uploads to `message_submit` / `bulk_submit`) and `receipts` (receipts as JSON files)."""
