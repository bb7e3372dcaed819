"""The real OpenSSH client against the SFTP intake, and key pairs made with cryptography."""

import os
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

SFTP = "/usr/bin/sftp"
SSH = "/usr/bin/ssh"
# No user configuration, no agent, no known hosts: only the key file given is tried.
CLIENT_OPTIONS = (
    "-F",
    "/dev/null",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "BatchMode=yes",
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "IdentityAgent=none",
    "-o",
    "PreferredAuthentications=publickey",
    "-o",
    "LogLevel=ERROR",
    "-o",
    "ConnectTimeout=10",
)


def key_pair(directory: Path, name: str = "id_ed25519") -> tuple[Path, str]:
    """A new ed25519 key: (private key file, mode 0600; the OpenSSH public key line)."""
    key = ed25519.Ed25519PrivateKey.generate()
    private = directory / name
    private.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()))
    os.chmod(private, 0o600)
    public = key.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
    return private, f"{public} test@adgang"


def sftp_batch(
    *, port: int, username: str, key_file: Path, commands: list[str], cwd: Path
) -> subprocess.CompletedProcess:
    """Run `commands` with `sftp -b` (a failing command ends the batch with exit status 1)."""
    batch = cwd / "batch.txt"
    batch.write_text("\n".join(commands) + "\n")
    return subprocess.run(  # noqa: S603
        [
            SFTP,
            *CLIENT_OPTIONS,
            "-b",
            str(batch),
            "-i",
            str(key_file),
            "-P",
            str(port),
            *[f"{username}@127.0.0.1"],
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def ssh_command(*, port: int, username: str, key_file: Path, command: str, options=()):
    """Try to run a command over SSH (what an SFTP-only server must refuse)."""
    return subprocess.run(  # noqa: S603
        [
            SSH,
            *options,  # first: ssh keeps the first value it reads of an option
            *CLIENT_OPTIONS,
            "-i",
            str(key_file),
            "-p",
            str(port),
            *[f"{username}@127.0.0.1", command],
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def listed(output: str) -> set[str]:
    """The file names an `ls -1` printed (batch mode echoes each command as "sftp> …")."""
    return {
        line.strip().rsplit("/", 1)[-1]
        for line in output.splitlines()
        if line.strip() and not line.startswith("sftp>")
    }
