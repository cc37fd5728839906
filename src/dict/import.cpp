#include "dict/import.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <variant>

#include "core/progress_bar.h"
#include "core/unique_fd.h"
#include "core/utf8.h"
#include "dict/dict_data.h"
#include "dict/source_format.h"
#include "dict/store_writer.h"

namespace muxd::dict {
namespace {

constexpr size_t kReadChunk = 1 << 16;
constexpr std::string_view kDescriptionComment = "# description:";
// dictd's special headwords (dictfmt(1)): the database's metadata, not words.
// Older databases spell them without dashes ("00databaseshort").
constexpr std::string_view kSpecialPrefixes[] = {"00-database-", "00database"};

std::string trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(start, end - start + 1));
}

class InputFile {
 public:
  explicit InputFile(const std::string& path) : path_(path), fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    struct stat st;
    if (!fd_ || ::fstat(fd_.get(), &st) != 0) throw ImportError(fmt::format("{}: {}", path, std::strerror(errno)));
    if (!S_ISREG(st.st_mode)) throw ImportError(fmt::format("{}: not a regular file", path));
    size_ = static_cast<uint64_t>(st.st_size);
  }
  uint64_t size() const { return size_; }
  // Up to `length` bytes at `offset`; fewer only at the end of the file.
  std::string read_at(uint64_t offset, size_t length) const {
    std::string out(length, '\0');
    size_t done = 0;
    while (done < length) {
      ssize_t n = ::pread(fd_.get(), out.data() + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw ImportError(fmt::format("{}: {}", path_, std::strerror(errno)));
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    out.resize(done);
    return out;
  }

 private:
  std::string path_;
  UniqueFd fd_;
  uint64_t size_ = 0;
};

// Feeds a file's lines to `on_line(line, number)`, sequentially.
template <typename OnLine>
void for_each_line(const InputFile& file, const std::string& path, size_t max_line, ProgressBar* bar,
                   uint64_t& done, OnLine on_line) {
  LineSplitter splitter(max_line);
  std::string line;
  uint64_t number = 0;
  for (uint64_t offset = 0; offset < file.size(); offset += kReadChunk) {
    std::string chunk = file.read_at(offset, kReadChunk);
    if (chunk.empty()) break;
    splitter.feed(chunk);
    while (splitter.next(line)) on_line(line, ++number);
    if (splitter.too_long())
      throw ImportError(fmt::format("{}:{}: line longer than {} bytes", path, number + 1, max_line));
    done += chunk.size();
    if (bar) bar->update(done);
  }
  if (splitter.finish(line)) on_line(line, ++number);
}

class Importer {
 public:
  Importer(StoreWriter& writer, ProgressBar* bar) : writer_(writer), bar_(bar) {}

  ImportedDatabase import_tsv(const std::string& path, const std::string& name) {
    InputFile file(path);
    ImportedDatabase db{name, name, 0};
    writer_.replace_database(name);
    for_each_line(file, path, kMaxTsvLineBytes, bar_, done_, [&](const std::string& line, uint64_t number) {
      if (std::string_view(line).starts_with(kDescriptionComment)) {
        db.description = trim(std::string_view(line).substr(kDescriptionComment.size()));
        return;
      }
      auto parsed = parse_tsv_line(line);
      if (auto* error = std::get_if<ParseError>(&parsed))
        throw ImportError(fmt::format("{}:{}: {}", path, number, error->what));
      if (auto* entry = std::get_if<TsvEntry>(&parsed)) {
        writer_.add(name, entry->word, entry->meaning);
        ++db.words;
      }
    });
    writer_.describe_database(name, db.description, db.words);
    return db;
  }

  ImportedDatabase import_dictd(const std::string& index_path, const std::string& name) {
    std::string stem = index_path.substr(0, index_path.size() - std::string_view(".index").size());
    // Not a structured binding: clang 14 cannot capture one in a lambda.
    std::pair<std::string, std::unique_ptr<DictData>> opened = open_data(stem);
    const std::string& data_path = opened.first;
    DictData* data = opened.second.get();
    InputFile index(index_path);
    ImportedDatabase db{name, name, 0};
    writer_.replace_database(name);
    for_each_line(index, index_path, kMaxIndexLineBytes, bar_, done_, [&](const std::string& line, uint64_t number) {
      auto where = [&] { return fmt::format("{}:{}", index_path, number); };
      auto parsed = parse_index_line(line, data->size());
      if (auto* error = std::get_if<ParseError>(&parsed)) throw ImportError(fmt::format("{}: {}", where(), error->what));
      auto& entry = std::get<IndexEntry>(parsed);
      std::string text;
      try {
        text = data->read(entry.offset, entry.length);
      } catch (const DictDataError& error) {
        throw ImportError(fmt::format("{}: {}: {}", where(), data_path, error.what()));
      }
      if (!is_valid_utf8(text)) throw ImportError(fmt::format("{}: the definition is not valid UTF-8", where()));
      if (is_special(entry.word)) {
        if (entry.word.ends_with("short")) db.description = short_description(entry.word, text);
        return;
      }
      writer_.add(name, entry.word, text);
      ++db.words;
    });
    writer_.describe_database(name, db.description, db.words);
    return db;
  }

 private:
  static bool is_special(std::string_view word) {
    for (auto prefix : kSpecialPrefixes)
      if (word.starts_with(prefix)) return true;
    return false;
  }

  // The entry's text starts with its headword line (dictfmt writes it), then the name.
  static std::string short_description(std::string_view headword, std::string_view text) {
    std::string_view body = text;
    if (size_t newline = body.find('\n'); newline != std::string_view::npos && trim(body.substr(0, newline)) == headword)
      body.remove_prefix(newline + 1);
    std::string description = trim(body);
    for (char& c : description)
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return description;
  }

  std::pair<std::string, std::unique_ptr<DictData>> open_data(const std::string& stem) {
    for (const char* suffix : {".dict.dz", ".dict"}) {
      std::string path = stem + suffix;
      if (::access(path.c_str(), F_OK) != 0) continue;
      auto file = std::make_shared<InputFile>(path);
      ReadAt read = [file](uint64_t offset, size_t length) { return file->read_at(offset, length); };
      try {
        if (std::string_view(suffix) == ".dict") return {path, open_plain_data(read, file->size())};
        return {path, open_dictzip_data(read, file->size())};
      } catch (const DictDataError& error) {
        throw ImportError(fmt::format("{}: {}", path, error.what()));
      }
    }
    throw ImportError(fmt::format("{}.index: no {}.dict.dz or {}.dict beside it", stem, stem, stem));
  }

  StoreWriter& writer_;
  ProgressBar* bar_;
  uint64_t done_ = 0;
};

uint64_t total_bytes(const std::vector<std::string>& sources) {
  uint64_t total = 0;
  for (const auto& source : sources) {
    struct stat st;
    if (::stat(source.c_str(), &st) == 0) total += static_cast<uint64_t>(st.st_size);
  }
  return total;
}

}  // namespace

std::string database_name(const std::string& source) {
  std::string base = std::filesystem::path(source).filename().string();
  std::string name;
  for (std::string_view suffix : {".tsv", ".index"})
    if (base.size() > suffix.size() && base.ends_with(suffix)) name = base.substr(0, base.size() - suffix.size());
  if (name.empty()) throw ImportError(fmt::format("{}: not NAME.tsv or NAME.index", source));
  bool ok = name.size() <= 64 && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char c : name)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  if (!ok) throw ImportError(fmt::format("{}: the database name '{}' is not 1-64 of A-Z a-z 0-9 . _ -", source, name));
  return name;
}

std::vector<ImportedDatabase> import_sources(const std::string& db, const std::vector<std::string>& sources,
                                             bool progress) {
  std::set<std::string> names;
  for (const auto& source : sources)
    if (!names.insert(database_name(source)).second)
      throw ImportError(fmt::format("{}: database '{}' given twice", source, database_name(source)));
  for (const auto& source : sources)  // before the database is opened (or created)
    if (::access(source.c_str(), R_OK) != 0) throw ImportError(fmt::format("{}: {}", source, std::strerror(errno)));
  auto writer = open_store_writer(db);
  std::unique_ptr<ProgressBar> bar;
  if (progress) bar = std::make_unique<ProgressBar>(stderr, total_bytes(sources));
  Importer importer(*writer, bar.get());
  std::vector<ImportedDatabase> imported;
  for (const auto& source : sources) {
    std::string name = database_name(source);
    imported.push_back(source.ends_with(".tsv") ? importer.import_tsv(source, name)
                                                : importer.import_dictd(source, name));
  }
  writer->commit();
  return imported;
}

}  // namespace muxd::dict
