"""Runs a command with io_uring_setup(2) refused (EPERM), as Docker's default
seccomp profile refuses it: `python3 deny_io_uring.py COMMAND ARGS...`.
The filter itself is tests/integration/seccomp_deny.py's.
"""
import errno
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from seccomp_deny import install_filter  # noqa: E402

if __name__ == "__main__":
    install_filter("io_uring_setup", errno.EPERM)
    os.execvp(sys.argv[1], sys.argv[1:])
