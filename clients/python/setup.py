# SPDX-License-Identifier: MIT
"""Generates exemplar/_pb from the .proto files before setuptools looks at
the packages (pyproject.toml holds the metadata).  The .proto files are found
in $EXEMPLAR_PROTO_DIR, else in ../../proto (this directory inside the
Exemplar source tree); protoc is $PROTOC or protoc (Debian:
protobuf-compiler).  A source tree without either keeps the exemplar/_pb it
has (an unpacked sdist)."""

import os
import sys

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # gen_pb.py beside this file (a build tool, not the package)
import gen_pb  # noqa: E402

PROTO_DIR = os.environ.get("EXEMPLAR_PROTO_DIR") or os.path.join(HERE, "..", "..", "proto")
PB_DIR = os.path.join(HERE, "exemplar", "_pb")
if os.path.isdir(PROTO_DIR) or not os.path.isdir(PB_DIR):
    gen_pb.generate(PROTO_DIR, PB_DIR, os.environ.get("PROTOC", "protoc"))

setup()
