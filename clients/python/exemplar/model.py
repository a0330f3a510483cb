# SPDX-License-Identifier: MIT
"""The protocol's messages as dataclasses and its enums as IntEnums,
generated at build time from proto/*.proto (exemplar/_pb/model.py)."""

from ._pb.model import *  # noqa: F401,F403
