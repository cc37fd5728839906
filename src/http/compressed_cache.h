#pragma once
// CompressedCache: the bodies one worker compressed on the fly, so that a hot
// file is compressed once, not per request. Keyed by path and coding; an entry
// remembers the file it was made from (device, inode, size, mtime with
// nanoseconds) and is made again when that changed. Bounded in bytes, least
// recently used first out. One per worker: no locks. A response being sent
// holds its body by shared_ptr, so eviction never pulls bytes from under it.
#include <sys/stat.h>

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/conditional.h"
#include "http/content_coding.h"

namespace muxd::http {

struct CompressedBody {
  std::string bytes;
  bool smaller = true;  // false: compressing did not pay (sent only if identity is refused)
  char etag[kEtagBufferSize + 8];
  size_t etag_length = 0;

  std::string_view etag_view() const { return {etag, etag_length}; }
};

// The identity of the file a body was made from.
struct SourceStamp {
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime;

  static SourceStamp of(const struct stat& st) { return {st.st_dev, st.st_ino, st.st_size, st.st_mtim}; }
  bool operator==(const SourceStamp& other) const {
    return dev == other.dev && ino == other.ino && size == other.size && mtime.tv_sec == other.mtime.tv_sec &&
           mtime.tv_nsec == other.mtime.tv_nsec;
  }
};

class CompressedCache {
 public:
  // Per worker. A body larger than a quarter of the budget is not kept.
  explicit CompressedCache(uint64_t max_bytes = 16 * 1024 * 1024) : max_bytes_(max_bytes) {}

  // The body for (path, coding) made from `stamp`, or null.
  std::shared_ptr<const CompressedBody> find(std::string_view path, Coding coding, const SourceStamp& stamp);
  void insert(std::string_view path, Coding coding, const SourceStamp& stamp,
              std::shared_ptr<const CompressedBody> body);

  uint64_t bytes() const { return bytes_; }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string key;
    SourceStamp stamp;
    std::shared_ptr<const CompressedBody> body;
  };
  static uint64_t cost(const Entry& entry) { return entry.body->bytes.size() + entry.key.size() + sizeof(Entry); }
  const std::string& make_key(std::string_view path, Coding coding);
  void erase(std::list<Entry>::iterator entry);

  uint64_t max_bytes_;
  uint64_t bytes_ = 0;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> entries_;
  std::string key_;  // reused: a lookup allocates nothing
};

}  // namespace muxd::http
