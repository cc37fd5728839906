#pragma once
// open_beneath: openat2(2) confined to a directory. RESOLVE_BENEATH makes the
// kernel refuse absolute paths, ".." and symlinks that would leave `dir_fd`
// (EXDEV), even when the tree changes during the lookup; RESOLVE_NO_MAGICLINKS
// refuses /proc/<pid>/fd-style links. Every service that serves a directory
// opens through this, so confinement never rests on string checks alone.
namespace muxd {

// `relative` must not start with '/'. O_CLOEXEC (and O_NOCTTY where openat2
// allows it) are added. Returns the descriptor, or -1 with errno set.
// Needs Linux >= 5.6 (ENOSYS before); glibc 2.36 has no wrapper.
int open_beneath(int dir_fd, const char* relative, int flags, int mode = 0);

}  // namespace muxd
