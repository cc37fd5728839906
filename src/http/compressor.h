#pragma once
// One-shot compression of a whole body for on-the-fly content coding, with
// Debian's libraries: brotli (libbrotlienc), zstd (libzstd), gzip (zlib).
// The levels are those of a server compressing at request time, where the
// result is cached (compressed_cache.h) but the first request waits for it:
//   - brotli quality 5: about gzip -9's ratio at several times its speed;
//     11 is for ahead-of-time sidecars only (hundreds of times slower).
//   - zstd level 3: the library's default, faster than gzip -6 and smaller.
//   - gzip level 6: zlib's default, nginx's `gzip_comp_level` is 1, Caddy's 5.
#include <string>
#include <string_view>

#include "http/content_coding.h"

namespace muxd::http {

inline constexpr int kBrotliQuality = 5;
inline constexpr int kZstdLevel = 3;
inline constexpr int kGzipLevel = 6;

// The whole of `input` in `coding` (br, zstd or gzip); false on a library
// failure (out of memory) or for identity. `out` is replaced.
bool compress_body(Coding coding, std::string_view input, std::string& out);

}  // namespace muxd::http
