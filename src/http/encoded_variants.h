#pragma once
// EncodedVariants: which representation of a file a GET or HEAD gets, by
// Accept-Encoding (RFC 9110 §12.5.3): the file itself (identity), a
// pre-compressed sidecar beside it (FILE.br, FILE.zst, FILE.gz), or, for
// compressible types, a body compressed on the fly and kept in the worker's
// CompressedCache. One per worker (inside StaticSite): no locks.
//
// A sidecar is used only if it is a regular file inside the root (opened
// through the same FileCache and DocumentRoot as any file), not empty, and not
// older than the original (its mtime, with nanoseconds, at least the
// original's): a sidecar older than its original was made from an earlier
// version, so it is ignored and the original is compressed on the fly (auto)
// or sent as is. Which sidecars a path has is looked up again once a second,
// like the file cache's revalidation, and at once when the original changes.
#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

#include "http/compressed_cache.h"
#include "http/content_coding.h"
#include "http/file_cache.h"
#include "http/request_parser.h"

namespace muxd::http {

// One representation of a file, as a response sends it.
struct Representation {
  Coding coding = Coding::identity;
  bool vary = false;        // the resource has variants: "Vary: Accept-Encoding"
  bool acceptable = true;   // false: 406, the client refused every coding, identity too
  std::shared_ptr<const CachedFile> file;      // the bytes come from this file (identity, sidecar)
  std::shared_ptr<const CompressedBody> body;  // or from memory (compressed on the fly)
  std::string_view content_type;               // always the original's
  std::string_view etag;                       // a distinct strong validator per coding
  std::string_view last_modified;
  Validators validators;  // what conditionals compare

  static Representation identity(std::shared_ptr<const CachedFile> file);
  uint64_t length() const { return body ? body->bytes.size() : validators.size; }
};

class EncodedVariants {
 public:
  struct Limits {
    uint64_t min_size = 1024;               // smaller files are sent as they are
    uint64_t max_size = 1024 * 1024;        // larger ones too: the event loop waits while compressing
    uint64_t cache_bytes = 16 * 1024 * 1024;  // compressed bodies kept per worker
    size_t max_sidecar_entries = 4096;
  };

  EncodedVariants(FileCache& files, CompressMode mode, Limits limits);

  // For a 200 of `file` found at `path` (a clean path).
  Representation select(const Request& request, const std::string& path,
                        const std::shared_ptr<const CachedFile>& file, std::chrono::steady_clock::time_point now);

  const CompressedCache& cache() const { return cache_; }

 private:
  // Which sidecars a file has: only a mask, the files themselves stay in the
  // FileCache (bounded there, so sidecars hold no descriptors of their own).
  struct Sidecars {
    std::chrono::steady_clock::time_point checked_at;
    SourceStamp original;
    CodingSet available = 0;
  };

  const Sidecars& sidecars_for(const std::string& path, const CachedFile& file,
                               std::chrono::steady_clock::time_point now);
  void find_sidecars(const std::string& path, const CachedFile& file, std::chrono::steady_clock::time_point now,
                     Sidecars& out);
  std::shared_ptr<const CachedFile> open_sidecar(const std::string& path, const CachedFile& file, Coding coding,
                                                 std::chrono::steady_clock::time_point now);
  std::shared_ptr<const CompressedBody> compressed(const std::string& path, const CachedFile& file, Coding coding);
  bool compresses_on_the_fly(const CachedFile& file) const;

  FileCache& files_;
  CompressMode mode_;
  Limits limits_;
  std::unordered_map<std::string, Sidecars> sidecars_;
  CompressedCache cache_;
  std::string sidecar_path_;  // reused
};

// "\"<etag inside the quotes>-<suffix>\"": the ETag of a body compressed on
// the fly, e.g. -br5. The level is part of it: the same file at another level
// is other bytes, and a strong validator must change with them (§8.8.3).
size_t format_coded_etag(std::string_view identity_etag, Coding coding, char* out, size_t capacity);

}  // namespace muxd::http
