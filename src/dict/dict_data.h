#pragma once
// The definitions file of a dictd database: NAME.dict (plain) or NAME.dict.dz
// (dictzip: a gzip member whose FEXTRA "RA" subfield lists the compressed size
// of each fixed-size chunk, each deflated with a full flush so that it
// inflates on its own; dictzip(1), RFC 1952 §2.3.1.1). Read by offset and
// length as the index gives them. Sans-IO below the file: the bytes come from
// a ReadAt, a file's pread in production and a string in tests.
#include <zlib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace muxd::dict {

// Up to `length` bytes at `offset` (fewer only at the end of the source).
using ReadAt = std::function<std::string(uint64_t offset, size_t length)>;

struct DictDataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class DictData {
 public:
  virtual ~DictData() = default;
  virtual uint64_t size() const = 0;  // uncompressed bytes
  // Throws DictDataError (bad compressed data) ; offset + length <= size().
  virtual std::string read(uint64_t offset, uint64_t length) = 0;
};

// The parsed dictzip header.
struct DictzipHeader {
  uint32_t chunk_length = 0;              // uncompressed bytes per chunk (the last may be shorter)
  std::vector<uint32_t> chunk_sizes;      // compressed bytes of each chunk
  uint64_t data_offset = 0;               // where the first chunk starts
};
// `head` is the file's first bytes (kDictzipHeadBytes or the whole file).
// Throws DictDataError saying what is wrong ("not gzip", "no RA field"...).
inline constexpr size_t kDictzipHeadBytes = 1 << 18;
DictzipHeader parse_dictzip_header(std::string_view head);

std::unique_ptr<DictData> open_plain_data(ReadAt read, uint64_t file_size);
// Checks the header, the chunk table against the file size, and the
// uncompressed size (the gzip trailer's ISIZE) against the chunk table.
std::unique_ptr<DictData> open_dictzip_data(ReadAt read, uint64_t file_size);

}  // namespace muxd::dict
