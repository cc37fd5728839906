#include "ftp/virtual_path.h"

namespace muxd::ftp {
namespace {

bool has_control_character(std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

// Appends one segment to a clean path, applying "." and "..".
bool push_segment(std::string& path, std::string_view segment) {
  if (segment.empty() || segment == ".") return true;
  if (segment == "..") {
    if (path == "/") return false;  // would climb above the root
    size_t slash = path.rfind('/');
    path.resize(slash == 0 ? 1 : slash);
    return true;
  }
  if (path != "/") path.push_back('/');
  path.append(segment);
  return true;
}

PathError fail(PathError* out, PathError error) {
  if (out) *out = error;
  return error;
}

}  // namespace

std::optional<std::string> resolve_virtual_path(std::string_view cwd, std::string_view argument,
                                                PathError* error) {
  fail(error, PathError::none);
  if (has_control_character(argument) || argument.size() > kMaxVirtualPath) {
    fail(error, PathError::invalid);
    return std::nullopt;
  }
  std::string path = (!argument.empty() && argument[0] == '/') ? "/" : std::string(cwd);
  while (!argument.empty()) {
    size_t slash = argument.find('/');
    if (!push_segment(path, argument.substr(0, slash))) {
      fail(error, PathError::outside);
      return std::nullopt;
    }
    argument.remove_prefix(slash == std::string_view::npos ? argument.size() : slash + 1);
  }
  if (path.size() > kMaxVirtualPath) {
    fail(error, PathError::invalid);
    return std::nullopt;
  }
  return path;
}

std::string relative_to_root(std::string_view clean) {
  if (clean.size() <= 1) return ".";
  return std::string(clean.substr(1));
}

std::optional<std::pair<std::string, std::string>> split_parent(std::string_view clean) {
  if (clean.size() <= 1) return std::nullopt;
  size_t slash = clean.rfind('/');
  std::string parent(slash == 0 ? "/" : clean.substr(0, slash));
  return std::make_pair(std::move(parent), std::string(clean.substr(slash + 1)));
}

std::string_view base_name(std::string_view clean) {
  if (clean.size() <= 1) return "/";
  return clean.substr(clean.rfind('/') + 1);
}

}  // namespace muxd::ftp
