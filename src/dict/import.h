#pragma once
// Imports TSV files and dictd databases into a words table (muxd dict-import).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace muxd::dict {

// What went wrong, as "FILE:LINE: what is wrong" when a line is to blame.
struct ImportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ImportedDatabase {
  std::string name, description;
  uint64_t words = 0;
};

// Imports every source (NAME.tsv, or NAME.index with NAME.dict[.dz] beside
// it) into `db` in one transaction: each database NAME replaces the one of
// that name, and on any error (ImportError, StoreError) nothing changes.
// `progress`: a progress bar on stderr when it is a terminal and the input
// is over 1 MiB.
std::vector<ImportedDatabase> import_sources(const std::string& db, const std::vector<std::string>& sources,
                                             bool progress);

// The database name a source file gives ("wn" for /usr/share/dictd/wn.index),
// or throws ImportError: a name is 1-64 of A-Z a-z 0-9 . _ - , starting with
// a letter or digit (an atom in RFC 2229's grammar, and never "*" or "!").
std::string database_name(const std::string& source);

}  // namespace muxd::dict
