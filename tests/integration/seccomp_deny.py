"""Runs a command with one system call refused, as a container's seccomp profile
or an old kernel would: `python3 seccomp_deny.py SYSCALL ERRNO COMMAND ARGS...`,
e.g. `seccomp_deny.py openat2 ENOSYS muxd http` (a kernel before 5.6) or
`seccomp_deny.py io_uring_setup EPERM ...` (Docker's default profile).

A seccomp filter (seccomp(2), SECCOMP_MODE_FILTER) of six BPF instructions:
on this machine's architecture, the system call fails with ERRNO; everything
else is allowed. The filter is inherited across execve (no_new_privs is set).
"""
import ctypes
import errno
import platform
import struct
import os
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
# Numbers from 403 on are the same on every architecture (the y2038 unification).
SYSCALLS = {"io_uring_setup": 425, "openat2": 437}
AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}  # <linux/audit.h>
BPF_LD_W_ABS, BPF_JEQ_K, BPF_RET_K = 0x20, 0x15, 0x06
# struct seccomp_data: int nr; __u32 arch; ...
OFFSET_NR, OFFSET_ARCH = 0, 4


def instruction(code, jt, jf, k):
    return struct.pack("HBBI", code, jt, jf, k)


def install_filter(syscall, error):
    """Makes `syscall` (a name in SYSCALLS) fail with errno `error` in this process and its children."""
    arch = AUDIT_ARCH[platform.machine()]
    program = b"".join([
        instruction(BPF_LD_W_ABS, 0, 0, OFFSET_ARCH),
        instruction(BPF_JEQ_K, 0, 3, arch),
        instruction(BPF_LD_W_ABS, 0, 0, OFFSET_NR),
        instruction(BPF_JEQ_K, 0, 1, SYSCALLS[syscall]),
        instruction(BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | error),
        instruction(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ])

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    fprog = SockFprog(len(program) // 8, program)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
            libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "installing the seccomp filter")


def command(syscall, error_name, *argv):
    """The argv that runs `argv` with `syscall` failing with errno `error_name` ("ENOSYS")."""
    return [sys.executable, os.path.abspath(__file__), syscall, error_name, *argv]


if __name__ == "__main__":
    install_filter(sys.argv[1], getattr(errno, sys.argv[2]))
    os.execvp(sys.argv[3], sys.argv[3:])
