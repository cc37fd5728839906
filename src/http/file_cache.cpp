#include "http/file_cache.h"

#include <unistd.h>

#include "http/mime.h"

namespace muxd::http {
namespace {

constexpr auto revalidate_after = std::chrono::seconds(1);

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_size == b.st_size &&
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

// Reads the whole small file; false if it changed size under us (then it is
// served by sendfile instead, which notices truncation itself).
bool read_whole(int fd, char* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(done));
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

FileCache::FileCache(const DocumentRoot& root, Limits limits) : root_(root), limits_(limits) {}

FileLookup FileCache::open(const std::string& clean_path, std::chrono::steady_clock::time_point now) {
  auto found = entries_.find(clean_path);
  if (found != entries_.end() && now - found->second->checked_at < revalidate_after) return {found->second};

  auto opened = root_.open(clean_path);
  if (auto* error = std::get_if<int>(&opened)) {
    if (found != entries_.end()) insert(clean_path, nullptr);
    return {nullptr, false, *error};
  }
  auto& file = std::get<OpenedFile>(opened);
  if (S_ISDIR(file.st.st_mode)) return {nullptr, true, 0};
  if (found != entries_.end() && same_file(found->second->st, file.st)) {
    found->second->checked_at = now;  // unchanged: keep the old descriptor and body
    return {found->second};
  }
  auto loaded = load(std::move(file), clean_path, now);
  insert(clean_path, loaded);
  return {loaded};
}

std::shared_ptr<CachedFile> FileCache::load(OpenedFile opened, std::string_view path,
                                            std::chrono::steady_clock::time_point now) {
  auto file = std::make_shared<CachedFile>();
  file->fd = std::move(opened.fd);
  file->st = opened.st;
  file->content_type = mime_type_for(path);
  file->etag_length = format_etag(file->st, file->etag);
  format_http_date(file->st.st_mtim.tv_sec, file->last_modified);
  file->checked_at = now;
  auto size = static_cast<uint64_t>(file->st.st_size);
  if (size > 0 && size <= limits_.max_small_file && memory_bytes_ + size <= limits_.max_memory_bytes) {
    file->body = std::make_unique_for_overwrite<char[]>(size);
    if (!read_whole(file->fd.get(), file->body.get(), size)) file->body.reset();
  }
  return file;
}

// A null file removes the entry. Responses in flight keep their own reference.
void FileCache::insert(const std::string& path, std::shared_ptr<CachedFile> file) {
  auto found = entries_.find(path);
  if (found != entries_.end()) {
    if (found->second->body) memory_bytes_ -= static_cast<uint64_t>(found->second->st.st_size);
    entries_.erase(found);
  }
  if (!file) return;
  while (entries_.size() >= limits_.max_entries) evict_one();
  if (file->body) memory_bytes_ += static_cast<uint64_t>(file->st.st_size);
  entries_.emplace(path, std::move(file));
}

// No recency bookkeeping on the hot path: drop whichever entry comes first.
// A static site's working set normally fits; this only bounds the worst case.
void FileCache::evict_one() {
  auto victim = entries_.begin();
  if (victim->second->body) memory_bytes_ -= static_cast<uint64_t>(victim->second->st.st_size);
  entries_.erase(victim);
}

}  // namespace muxd::http
