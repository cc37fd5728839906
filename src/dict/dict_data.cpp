#include "dict/dict_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace muxd::dict {
namespace {

constexpr unsigned char kFtext = 1, kFhcrc = 2, kFextra = 4, kFname = 8, kFcomment = 16;

uint32_t le16(std::string_view s, size_t at) {
  return static_cast<unsigned char>(s[at]) | static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8;
}

uint32_t le32(std::string_view s, size_t at) { return le16(s, at) | le16(s, at + 2) << 16; }

class PlainData final : public DictData {
 public:
  PlainData(ReadAt read, uint64_t size) : read_(std::move(read)), size_(size) {}
  uint64_t size() const override { return size_; }
  std::string read(uint64_t offset, uint64_t length) override {
    std::string bytes = read_(offset, length);
    if (bytes.size() != length) throw DictDataError("the data file is shorter than it was");
    return bytes;
  }

 private:
  ReadAt read_;
  uint64_t size_;
};

// Inflates one chunk at a time and keeps the last one: an import reads the
// entries mostly in file order, so most reads hit the chunk just inflated.
class DictzipData final : public DictData {
 public:
  DictzipData(ReadAt read, DictzipHeader header, uint64_t size)
      : read_(std::move(read)), header_(std::move(header)), size_(size) {
    uint64_t at = header_.data_offset;
    for (uint32_t chunk_size : header_.chunk_sizes) starts_.push_back(at), at += chunk_size;
    if (inflateInit2(&stream_, -MAX_WBITS) != Z_OK) throw DictDataError("zlib: out of memory");
  }
  ~DictzipData() override { inflateEnd(&stream_); }
  DictzipData(const DictzipData&) = delete;
  DictzipData& operator=(const DictzipData&) = delete;

  uint64_t size() const override { return size_; }

  std::string read(uint64_t offset, uint64_t length) override {
    std::string out;
    out.reserve(length);
    while (length > 0) {
      size_t index = offset / header_.chunk_length;
      const std::string& chunk = load(index);
      uint64_t within = offset - uint64_t{index} * header_.chunk_length;
      if (within >= chunk.size()) throw DictDataError("read beyond the compressed data");
      uint64_t take = std::min<uint64_t>(length, chunk.size() - within);
      out.append(chunk, within, take);
      offset += take, length -= take;
    }
    return out;
  }

 private:
  const std::string& load(size_t index) {
    if (index == cached_index_) return cached_;
    if (index >= starts_.size()) throw DictDataError("read beyond the last chunk");
    std::string in = read_(starts_[index], header_.chunk_sizes[index]);
    if (in.size() != header_.chunk_sizes[index]) throw DictDataError("the .dz file is shorter than it was");
    cached_index_ = SIZE_MAX;
    cached_.assign(header_.chunk_length, '\0');
    inflateReset(&stream_);
    stream_.next_in = reinterpret_cast<Bytef*>(in.data());
    stream_.avail_in = static_cast<uInt>(in.size());
    stream_.next_out = reinterpret_cast<Bytef*>(cached_.data());
    stream_.avail_out = static_cast<uInt>(cached_.size());
    int status = inflate(&stream_, Z_SYNC_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END && !(status == Z_BUF_ERROR && stream_.avail_out == 0))
      throw DictDataError(fmt::format("chunk {}: corrupt deflate data ({})", index, stream_.msg ? stream_.msg : "zlib"));
    cached_.resize(cached_.size() - stream_.avail_out);
    bool last = index + 1 == starts_.size();
    uint64_t expected = last ? size_ - uint64_t{index} * header_.chunk_length : header_.chunk_length;
    if (cached_.size() != expected)
      throw DictDataError(fmt::format("chunk {}: inflates to {} bytes, not {}", index, cached_.size(), expected));
    cached_index_ = index;
    return cached_;
  }

  ReadAt read_;
  DictzipHeader header_;
  uint64_t size_;
  std::vector<uint64_t> starts_;
  z_stream stream_{};
  std::string cached_;
  size_t cached_index_ = SIZE_MAX;
};

}  // namespace

DictzipHeader parse_dictzip_header(std::string_view head) {
  auto need = [&](size_t bytes) {
    if (head.size() < bytes) throw DictDataError("truncated gzip header");
  };
  need(10);
  if (static_cast<unsigned char>(head[0]) != 0x1F || static_cast<unsigned char>(head[1]) != 0x8B)
    throw DictDataError("not a gzip file");
  if (head[2] != 8) throw DictDataError("gzip compression method is not deflate");
  auto flags = static_cast<unsigned char>(head[3]);
  if (!(flags & kFextra)) throw DictDataError("no FEXTRA field: gzip, but not dictzip (no random access)");
  need(12);
  size_t xlen = le16(head, 10), at = 12;
  need(at + xlen);
  DictzipHeader header;
  bool found = false;
  for (size_t end = at + xlen; at + 4 <= end;) {  // subfields: SI1 SI2 LEN data (RFC 1952 §2.3.1.1)
    size_t length = le16(head, at + 2);
    if (at + 4 + length > end) throw DictDataError("FEXTRA subfield overruns the field");
    if (head[at] == 'R' && head[at + 1] == 'A' && !found) {
      std::string_view ra = head.substr(at + 4, length);
      if (ra.size() < 6 || le16(ra, 0) != 1) throw DictDataError("RA field: unknown version");
      header.chunk_length = le16(ra, 2);
      size_t count = le16(ra, 4);
      if (header.chunk_length == 0 || count == 0) throw DictDataError("RA field: no chunks");
      if (ra.size() < 6 + 2 * count) throw DictDataError("RA field: chunk table truncated");
      for (size_t i = 0; i < count; ++i) header.chunk_sizes.push_back(le16(ra, 6 + 2 * i));
      found = true;
    }
    at += 4 + length;
  }
  if (!found) throw DictDataError("no RA field: gzip, but not dictzip (no random access)");
  at = 12 + xlen;
  for (unsigned char flag : {kFname, kFcomment}) {
    if (!(flags & flag)) continue;
    size_t nul = head.find('\0', at);
    if (nul == std::string_view::npos) throw DictDataError("truncated gzip header");
    at = nul + 1;
  }
  if (flags & kFhcrc) at += 2;
  need(at);
  (void)kFtext;
  header.data_offset = at;
  return header;
}

std::unique_ptr<DictData> open_plain_data(ReadAt read, uint64_t file_size) {
  return std::make_unique<PlainData>(std::move(read), file_size);
}

std::unique_ptr<DictData> open_dictzip_data(ReadAt read, uint64_t file_size) {
  DictzipHeader header = parse_dictzip_header(read(0, std::min<uint64_t>(file_size, kDictzipHeadBytes)));
  uint64_t compressed = 0;
  for (uint32_t size : header.chunk_sizes) compressed += size;
  if (header.data_offset + compressed + 8 > file_size)
    throw DictDataError("the chunk table says more data than the file holds");
  std::string trailer = read(file_size - 8, 8);  // CRC32, ISIZE (RFC 1952 §2.3.1)
  if (trailer.size() != 8) throw DictDataError("truncated gzip trailer");
  uint64_t size = le32(trailer, 4);
  uint64_t chunks = header.chunk_sizes.size();
  if (size > chunks * header.chunk_length || size <= (chunks - 1) * header.chunk_length)
    throw DictDataError(fmt::format("uncompressed size {} does not fit {} chunks of {} bytes", size, chunks,
                                    header.chunk_length));
  return std::make_unique<DictzipData>(std::move(read), std::move(header), size);
}

}  // namespace muxd::dict
