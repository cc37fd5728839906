#include "dict/default_data.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

#include "core/log.h"
#include "dict/import.h"

namespace muxd::dict {
namespace {

namespace fs = std::filesystem;

fs::path executable_dir() {
  std::error_code error;
  auto exe = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::path() : exe.parent_path();
}

bool writable_dir(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  return !error && ::access(dir.c_str(), W_OK) == 0;
}

fs::path cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "muxd" / "dict";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "muxd" / "dict";
  return {};
}

}  // namespace

std::string default_database_path() {
  fs::path exe = executable_dir();
  if (!exe.empty()) {
    fs::path beside = exe / "dict" / "default.sqlite";
    if (fs::exists(beside) || writable_dir(beside.parent_path())) return beside.string();
  }
  fs::path cache = cache_dir();
  if (!cache.empty()) return (cache / "default.sqlite").string();
  return (exe / "dict" / "default.sqlite").string();
}

std::string bundled_zh_en_path() {
  fs::path exe = executable_dir();
  std::error_code error;
  for (auto dir : {exe / "data", exe.parent_path() / "data", fs::path(MUXD_SOURCE_DATA)}) {
    fs::path file = dir / "dict" / "zh-en.tsv";
    if (fs::exists(file, error)) return file.string();
  }
  return {};
}

std::string ensure_default_database() {
  std::string path = default_database_path();
  if (fs::exists(path)) return path;
  std::vector<std::string> sources;
  if (::access(kWordNetIndex, R_OK) == 0) {
    sources.push_back(kWordNetIndex);
  } else {
    log_warn("muxd dict: {} not found: serving without WordNet (install Debian's dict-wn, then delete {})",
              kWordNetIndex, path);
  }
  if (std::string zh_en = bundled_zh_en_path(); !zh_en.empty()) sources.push_back(zh_en);
  if (sources.empty()) throw ImportError("no default data: neither WordNet (dict-wn) nor data/dict/zh-en.tsv found");
  fs::create_directories(fs::path(path).parent_path());
  std::string temporary = path + ".importing." + std::to_string(::getpid());
  log_info("muxd dict: importing the default data into {} (once)", path);
  try {
    import_sources(temporary, sources, true);
    fs::rename(temporary, path);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    fs::remove(temporary + "-journal", ignored);
    throw;
  }
  return path;
}

}  // namespace muxd::dict
