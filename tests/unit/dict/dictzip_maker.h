#pragma once
// Builds a dictzip image in memory, as dictzip(1) writes one: a gzip member
// with an FEXTRA "RA" subfield (version 1, chunk length, chunk count, the
// compressed size of each chunk), each chunk deflated and ended with a full
// flush so that it inflates on its own (RFC 1952 §2.3.1.1).
#include <zlib.h>

#include <string>
#include <string_view>
#include <vector>

namespace muxd::dict::testing {

inline void put16(std::string& out, unsigned value) {
  out += static_cast<char>(value & 0xFF);
  out += static_cast<char>((value >> 8) & 0xFF);
}

inline std::string make_dictzip(std::string_view data, unsigned chunk_length, std::string_view name = "") {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
  std::vector<std::string> chunks;
  for (size_t at = 0; at < data.size() || chunks.empty(); at += chunk_length) {
    std::string_view piece = data.substr(at, chunk_length);
    bool last = at + chunk_length >= data.size();
    std::string out(deflateBound(&stream, piece.size()) + 64, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
    stream.avail_in = static_cast<uInt>(piece.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    deflate(&stream, last ? Z_FINISH : Z_FULL_FLUSH);
    out.resize(out.size() - stream.avail_out);
    chunks.push_back(out);
    if (last) break;
  }
  deflateEnd(&stream);
  std::string file = {'\x1F', '\x8B', 8, static_cast<char>(4 | (name.empty() ? 0 : 8)), 0, 0, 0, 0, 2, 3};
  put16(file, static_cast<unsigned>(10 + 2 * chunks.size()));  // XLEN
  file += "RA";
  put16(file, static_cast<unsigned>(6 + 2 * chunks.size()));
  put16(file, 1);
  put16(file, chunk_length);
  put16(file, static_cast<unsigned>(chunks.size()));
  for (const auto& chunk : chunks) put16(file, static_cast<unsigned>(chunk.size()));
  if (!name.empty()) file.append(name).push_back('\0');
  for (const auto& chunk : chunks) file += chunk;
  uLong crc = crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
  put16(file, crc & 0xFFFF);
  put16(file, (crc >> 16) & 0xFFFF);
  put16(file, data.size() & 0xFFFF);
  put16(file, (data.size() >> 16) & 0xFFFF);
  return file;
}

}  // namespace muxd::dict::testing
