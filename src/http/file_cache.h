#pragma once
// FileCache: open files of one worker, kept with their stat, validators and
// preformatted header lines, and (when small) their bytes, so a hot file costs
// no open/fstat/close per request. An entry is revalidated (opened again
// through the DocumentRoot, compared by inode, size and mtime) once it is
// older than a second: a changed file shows within a second, as with nginx's
// open_file_cache. Errors are not cached. One cache per worker: no locks.
#include <sys/stat.h>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/unique_fd.h"
#include "http/conditional.h"
#include "http/document_root.h"
#include "http/http_date.h"

namespace muxd::http {

struct CachedFile {
  UniqueFd fd;
  struct stat st {};
  std::string_view content_type;
  char etag[kEtagBufferSize];
  size_t etag_length = 0;
  char last_modified[kHttpDateLength];
  std::unique_ptr<char[]> body;  // the whole file when small, else null (sendfile)
  std::chrono::steady_clock::time_point checked_at;

  std::string_view etag_view() const { return {etag, etag_length}; }
  std::string_view last_modified_view() const { return {last_modified, kHttpDateLength}; }
  Validators validators() const { return {static_cast<uint64_t>(st.st_size), st.st_mtim.tv_sec, etag_view()}; }
};

struct FileLookup {
  std::shared_ptr<const CachedFile> file;  // set for a regular file
  bool is_directory = false;
  int error = 0;  // errno when neither
};

class FileCache {
 public:
  struct Limits {
    size_t max_entries = 4096;
    uint64_t max_small_file = 64 * 1024;        // bodies up to this are kept in memory
    uint64_t max_memory_bytes = 32 * 1024 * 1024;  // all kept bodies together
  };

  FileCache(const DocumentRoot& root, Limits limits);
  FileCache(const DocumentRoot& root) : FileCache(root, Limits{}) {}

  FileLookup open(const std::string& clean_path, std::chrono::steady_clock::time_point now);
  size_t size() const { return entries_.size(); }

 private:
  std::shared_ptr<CachedFile> load(OpenedFile opened, std::string_view path,
                                   std::chrono::steady_clock::time_point now);
  void insert(const std::string& path, std::shared_ptr<CachedFile> file);
  void evict_one();

  const DocumentRoot& root_;
  Limits limits_;
  uint64_t memory_bytes_ = 0;
  std::unordered_map<std::string, std::shared_ptr<CachedFile>> entries_;
};

}  // namespace muxd::http
