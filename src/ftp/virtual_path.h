#pragma once
// Virtual paths: what an FTP client sees. The root is "/", the server's --root
// directory; a session's working directory is a clean virtual path too.
//
// This is the lexical half of confinement (the same rules as the web server):
// names are joined and normalised here, and RootDirectory then opens them with
// openat2(RESOLVE_BENEATH), which the kernel enforces against symlinks.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace muxd::ftp {

inline constexpr size_t kMaxVirtualPath = 4095;  // PATH_MAX without the NUL

enum class PathError {
  none,
  invalid,  // NUL or another control character, or too long: 501
  outside,  // ".." climbing above the root: 550, as if it did not exist
};

// Resolves a client's path argument against the working directory `cwd` (a
// clean virtual path). Absolute arguments start from the root; "." and ".."
// segments are removed and runs of '/' collapse. The result is "/" or
// "/a/b" (never a trailing '/'). An empty argument means `cwd` itself.
std::optional<std::string> resolve_virtual_path(std::string_view cwd, std::string_view argument,
                                                PathError* error = nullptr);

// "/a/b" -> "a/b", "/" -> ".": the form openat2 wants, relative to the root fd.
std::string relative_to_root(std::string_view clean);

// "/a/b" -> {"/a", "b"}; "/b" -> {"/", "b"}; "/" -> nullopt (the root has no
// parent and no name, so it can never be removed or renamed).
std::optional<std::pair<std::string, std::string>> split_parent(std::string_view clean);

// The last segment of a clean path ("/" for the root).
std::string_view base_name(std::string_view clean);

}  // namespace muxd::ftp
