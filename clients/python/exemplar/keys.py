# SPDX-License-Identifier: MIT
"""CURVE key files, in the project's format (common/keyfile.c): one key as a
line of 40 characters of Z85; empty lines and lines starting with '#'
before it are comments.  `exemplarctl keygen NAME` writes NAME.key (the
secret key, mode 0600) and NAME.pub (the public key).  A secret key file is
enough to act as its owner: the public half is derived from it.

A secret key file that group or others may read is refused, as the C
client refuses it: whoever read it can act as its owner.
"""

import os
import stat
from dataclasses import dataclass, field

import zmq

from .errors import KeyFileError

Z85_ALPHABET = frozenset("0123456789abcdefghijklmnopqrstuvwxyz"
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#")
KEY_LEN = 40


def is_z85_key(line: str) -> bool:
    """True when line is exactly 40 characters of the Z85 alphabet."""
    return len(line) == KEY_LEN and all(c in Z85_ALPHABET for c in line)


def read_key_file(path: str, secret: bool = False) -> bytes:
    """The key of a key file, as 40 bytes of Z85.  Raises KeyFileError with a
    sentence naming the file."""
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            if secret:
                mode = stat.S_IMODE(os.fstat(f.fileno()).st_mode)
                if mode & 0o077:
                    raise KeyFileError(
                        f"secret key file {path} is readable by others (mode {mode:03o}): "
                        "chmod 600 it, and make a new key pair if others may have read it")
            for line in f:
                line = line.rstrip("\r\n")
                # A key line is recognised before comments ('#' is in Z85's alphabet).
                if is_z85_key(line):
                    return line.encode("ascii")
                if line and not line.startswith("#"):
                    break
    except OSError as e:
        raise KeyFileError(f"cannot open key file {path} ({e.strerror})") from None
    raise KeyFileError(f"key file {path} does not hold a key: expected 40 characters of Z85 on "
                       "the first line that is not a comment (make one with "
                       "'exemplarctl keygen')")


@dataclass(frozen=True)
class CurveKeys:
    """What a CURVE client needs: the daemon's public key and its own key
    pair (Z85)."""
    server: bytes
    secret: bytes = field(repr=False)
    public: bytes

    @classmethod
    def load(cls, server_key_file: str, secret_key_file: str) -> "CurveKeys":
        """Reads the daemon's public key file (its server.pub) and the
        client's secret key file (NAME.key, mode 0600)."""
        server = read_key_file(server_key_file, secret=False)
        secret = read_key_file(secret_key_file, secret=True)
        try:
            public = zmq.curve_public(secret)
        except zmq.ZMQError:
            raise KeyFileError(f"{secret_key_file} does not hold a CURVE secret key") from None
        return cls(server=server, secret=secret, public=public)

    def apply(self, sock: zmq.Socket) -> None:
        """Makes sock a CURVE client of the daemon (before connect)."""
        sock.curve_serverkey = self.server
        sock.curve_publickey = self.public
        sock.curve_secretkey = self.secret


def generate_key_pair(directory: str, name: str) -> "tuple[str, str]":
    """Writes NAME.pub and NAME.key (0600) in directory, as exemplarctl
    keygen does, never overwriting a file.  Returns their paths."""
    public, secret = zmq.curve_keypair()
    paths = []
    for suffix, key, mode in ((".pub", public, 0o644), (".key", secret, 0o600)):
        path = os.path.join(directory, name + suffix)
        what = "secret" if suffix == ".key" else "public"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(f"# {name}: CURVE {what} key for exemplard\n{key.decode()}\n")
            f.flush()
            os.fsync(f.fileno())
        paths.append(path)
    return paths[0], paths[1]
