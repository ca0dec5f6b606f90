"""Editors that rewrite a denied file in place carry the new text in their command line
(`sed -i 's/__TOKEN__/<token>/' .env`): like `> .env`, the command line goes too."""

from __future__ import annotations

import pytest

from cctrace.policy import Policy
from cctrace.policy.apply import decide
from cctrace.policy.bash import bash_files

POLICY = Policy(home="/home/u")


@pytest.mark.parametrize("command", [
    "sed -i 's/__TOKEN__/tok123/' .env", "sed -i.bak s/a/b/ .env", "sed -Ei s/a/b/ .env",
    "sed -ni s/a/b/p .env", "sed --in-place s/a/b/ .env", "sed --in-place=.b s/a/b/ .env",
    "gsed -i s/a/b/ .env", "perl -pi -e 's/a/b/' .env", "perl -i.bak -pe 's/a/b/' .env",
    "perl -lpi -e 1 .env", "awk -i inplace '{print}' .env", "gawk -i inplace 1 .env",
    "ed -s .env", "ex -sc wq .env", "vi .env", "vim -c wq .env", "nvim .env", "nano .env",
    "emacs --batch .env",
])
def test_an_in_place_edit_of_a_denied_file_withholds_the_command_line(command):
    d = decide("Bash", {"command": command}, "/p", POLICY)
    assert d.rule == ".env*" and d.input_too is True
    assert (".env", "/p") in bash_files(command, "/p").writes


@pytest.mark.parametrize("command", [
    "sed -n 1p .env", "sed s/a/b/ .env", "sed -e s/i/x/ .env", "perl -ne print .env",
    "perl -Mstrict -e 1 .env", "awk '{print}' .env", "gawk -f prog.awk .env",
])
def test_a_read_keeps_the_command_line(command):
    d = decide("Bash", {"command": command}, "/p", POLICY)
    assert d.rule == ".env*" and d.input_too is False


def test_an_in_place_edit_of_another_file_is_left_alone():
    d = decide("Bash", {"command": "sed -i s/a/b/ notes.txt"}, "/p", POLICY)
    assert d.rule is None and d.input_too is False
