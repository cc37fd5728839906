#include "http/compressor.h"

#include <brotli/encode.h>
#include <zlib.h>
#include <zstd.h>

namespace muxd::http {
namespace {

bool brotli(std::string_view input, std::string& out) {
  size_t size = BrotliEncoderMaxCompressedSize(input.size());
  if (size == 0) return false;  // input too large to bound
  out.resize(size);
  bool ok = BrotliEncoderCompress(kBrotliQuality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, input.size(),
                                  reinterpret_cast<const uint8_t*>(input.data()), &size,
                                  reinterpret_cast<uint8_t*>(out.data()));
  out.resize(ok ? size : 0);
  return ok;
}

// ZSTD_compress writes the content size in the frame header; the window at
// level 3 is at most 2 MiB, well under the 8 MiB browsers accept (RFC 8878 §3).
bool zstd(std::string_view input, std::string& out) {
  out.resize(ZSTD_compressBound(input.size()));
  size_t size = ZSTD_compress(out.data(), out.size(), input.data(), input.size(), kZstdLevel);
  bool ok = !ZSTD_isError(size);
  out.resize(ok ? size : 0);
  return ok;
}

// windowBits 15 + 16: a gzip member (RFC 1952), not a zlib stream (deflate.h).
bool gzip(std::string_view input, std::string& out) {
  z_stream stream{};
  if (deflateInit2(&stream, kGzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  out.resize(deflateBound(&stream, static_cast<uLong>(input.size())));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  bool ok = deflate(&stream, Z_FINISH) == Z_STREAM_END;
  out.resize(ok ? stream.total_out : 0);
  deflateEnd(&stream);
  return ok;
}

}  // namespace

bool compress_body(Coding coding, std::string_view input, std::string& out) {
  switch (coding) {
    case Coding::br: return brotli(input, out);
    case Coding::zstd: return zstd(input, out);
    case Coding::gzip: return gzip(input, out);
    case Coding::identity: break;
  }
  return false;
}

}  // namespace muxd::http
