#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The exemplar package's type hints, checked by mypy (Debian's): the
package as built passes, a program using it as a service would
(test_python_service.py) passes, and typing mistakes in a caller are found,
so the hints are real types and not Any.

usage: test_python_types.py PYPROJECT (the package and this directory on PYTHONPATH)"""

import os
import subprocess
import sys
import tempfile

from test_python_daemon import check, cleanup, fail

PYPROJECT = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
TMP = tempfile.mkdtemp(prefix="exty.", dir="/tmp")

WRONG = '''
import exemplar
from exemplar import State

c = exemplar.Client("ipc:///nowhere/api.sock")
n = c.get(1)
n.no_such_field
c.move(n.id, State.FOSTERING, expected_version="2")
seq: str = c.info().last_seq
for ch in c.history(n.id):
    ch.verb + 1
'''


def mypy(*args):
    return subprocess.run(["/usr/bin/python3", "-m", "mypy", "--config-file", PYPROJECT,
                           "--cache-dir", os.path.join(TMP, "cache"), *args],
                          capture_output=True, text=True)


def main():
    r = mypy("-p", "exemplar")
    check(r.returncode == 0, f"mypy on the package:\n{r.stdout}{r.stderr}")
    r = mypy(os.path.join(HERE, "test_python_service.py"))
    check(r.returncode == 0, f"mypy on a service using the package:\n{r.stdout}{r.stderr}")
    wrong = os.path.join(TMP, "wrong.py")
    with open(wrong, "w") as f:
        f.write(WRONG)
    r = mypy(wrong)
    out = r.stdout
    for line, what in ((7, '"Nomination" has no attribute "no_such_field"'),
                       (8, 'Argument "expected_version" to "move" of "Client" has incompatible '
                           'type "str"'),
                       (9, 'Incompatible types in assignment (expression has type "int"'),
                       (11, 'Unsupported operand types for + ("str" and "int")')):
        if f"wrong.py:{line}: error: {what}" not in out:
            fail(f"mypy did not find the mistake on line {line} ({what}):\n{out}")
    print("exemplar package types: ok")


try:
    main()
finally:
    cleanup(TMP)
