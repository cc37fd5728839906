#include <gtest/gtest.h>

#include <memory>

#include "dict/dict_data.h"
#include "dictzip_maker.h"

namespace muxd::dict {
namespace {

struct Source {
  std::string bytes;
  int reads = 0;
  ReadAt reader() {
    return [this](uint64_t offset, size_t length) {
      ++reads;
      return offset >= bytes.size() ? std::string() : bytes.substr(offset, length);
    };
  }
};

std::string sample(size_t size) {
  std::string text;
  for (size_t i = 0; text.size() < size; ++i) text += "entry " + std::to_string(i) + ": some definition text\n";
  text.resize(size);
  return text;
}

TEST(Dictzip, ReadsAnyRangeAcrossChunks) {
  std::string text = sample(10'000);
  Source source{testing::make_dictzip(text, 1000, "wn.dict")};
  auto data = open_dictzip_data(source.reader(), source.bytes.size());
  EXPECT_EQ(data->size(), text.size());
  for (auto [offset, length] : {std::pair<uint64_t, uint64_t>{0, 10}, {995, 10}, {0, 10'000}, {9'990, 10},
                                {3'000, 2'500}, {1'000, 1'000}, {9'999, 1}, {5'000, 0}})
    EXPECT_EQ(data->read(offset, length), text.substr(offset, length)) << offset << "+" << length;
}

TEST(Dictzip, KeepsTheLastChunk) {
  std::string text = sample(5'000);
  Source source{testing::make_dictzip(text, 1000)};
  auto data = open_dictzip_data(source.reader(), source.bytes.size());
  int before = source.reads;
  data->read(2'100, 10);
  data->read(2'200, 10);
  data->read(2'900, 50);
  EXPECT_EQ(source.reads - before, 1);
}

TEST(Dictzip, OneShortChunk) {
  Source source{testing::make_dictzip("tiny", 1000)};
  auto data = open_dictzip_data(source.reader(), source.bytes.size());
  EXPECT_EQ(data->read(1, 3), "iny");
}

TEST(Dictzip, RefusesPlainGzipAndJunk) {
  EXPECT_THROW(parse_dictzip_header("not gzip at all"), DictDataError);
  EXPECT_THROW(parse_dictzip_header(std::string("\x1F\x8B\x08\x00\0\0\0\0\0\3", 10)), DictDataError);  // no FEXTRA
  EXPECT_THROW(parse_dictzip_header(std::string("\x1F\x8B\x08\x04\0\0\0\0\0\3\x08\0XY\x04\0abcd", 20)),
               DictDataError);  // FEXTRA without RA
  EXPECT_THROW(parse_dictzip_header("\x1F\x8B"), DictDataError);
}

TEST(Dictzip, RefusesATruncatedFile) {
  std::string file = testing::make_dictzip(sample(5'000), 1000);
  Source source{file.substr(0, file.size() - 100)};
  EXPECT_THROW(open_dictzip_data(source.reader(), source.bytes.size()), DictDataError);
}

TEST(Dictzip, CorruptChunkIsAnError) {
  std::string text = sample(3'000);
  Source source{testing::make_dictzip(text, 1000)};
  auto header = parse_dictzip_header(source.bytes);
  size_t second = header.data_offset + header.chunk_sizes[0];
  for (size_t i = 0; i < header.chunk_sizes[1]; ++i) source.bytes[second + i] = '\xFF';
  auto data = open_dictzip_data(source.reader(), source.bytes.size());
  EXPECT_EQ(data->read(0, 100), text.substr(0, 100));
  EXPECT_THROW(data->read(1'500, 10), DictDataError);
}

TEST(Dictzip, HeaderFields) {
  std::string file = testing::make_dictzip(sample(2'500), 1000, "name");
  auto header = parse_dictzip_header(file);
  EXPECT_EQ(header.chunk_length, 1000u);
  EXPECT_EQ(header.chunk_sizes.size(), 3u);
  EXPECT_EQ(header.data_offset, 10u + 2 + 10 + 6 + 5);
}

TEST(PlainData, ReadsRanges) {
  Source source{"0123456789"};
  auto data = open_plain_data(source.reader(), source.bytes.size());
  EXPECT_EQ(data->size(), 10u);
  EXPECT_EQ(data->read(3, 4), "3456");
  source.bytes = "0123";  // shrank under us
  EXPECT_THROW(data->read(3, 4), DictDataError);
}

}  // namespace
}  // namespace muxd::dict
