#pragma once
// Directory listings: the `ls -l` lines of LIST, the bare names of NLST and
// the machine-readable facts of MLSD/MLST (RFC 3659 §7). A big directory is
// never built whole: a ListingStream produces it in chunks as the data
// connection drains.
#include <sys/stat.h>

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/unique_fd.h"
#include "ftp/access.h"

namespace muxd::ftp {

class RootDirectory;

// RFC 3659 §7.5 facts this server knows; a FactSet is a bitwise OR.
enum Fact : unsigned {
  kFactType = 1,
  kFactSize = 2,
  kFactModify = 4,
  kFactPerm = 8,
  kFactUnixMode = 16,
};
using FactSet = unsigned;
inline constexpr FactSet kAllFacts = kFactType | kFactSize | kFactModify | kFactPerm | kFactUnixMode;
inline constexpr FactSet kDefaultFacts = kFactType | kFactSize | kFactModify | kFactPerm;

// "type*;size*;modify*;perm*;UNIX.mode;": the FEAT line, enabled ones starred.
std::string describe_facts(FactSet enabled);
// The argument of OPTS MLST ("type;size;"): unknown facts are ignored (§7.9).
FactSet parse_fact_list(std::string_view list);
// "YYYYMMDDHHMMSS" in UTC (RFC 3659 §2.3), for MDTM and modify=.
std::string format_timeval(std::time_t t);

// One listing line each, CRLF-terminated.
void append_list_line(std::string& out, std::string_view name, const struct stat& st,
                      std::time_t now);
void append_facts_line(std::string& out, std::string_view name, const struct stat& st,
                       FactSet facts, Access access);
// The facts without the name: "type=file;size=3;" (for MLST's reply line).
std::string format_facts(const struct stat& st, FactSet facts, Access access);

enum class ListingFormat { list, names, facts };

struct ListingOptions {
  ListingFormat format = ListingFormat::list;
  FactSet facts = kDefaultFacts;
  Access access = Access::read_only;
  std::time_t now = 0;  // decides between "HH:MM" and the year in LIST dates
  bool dotfiles = false;  // --dotfiles allow: list names starting with '.'
};

class ListingStream {
 public:
  virtual ~ListingStream() = default;
  // Appends lines to `out` until it holds at least `budget` bytes or the
  // listing ends. Returns false once the listing has ended.
  virtual bool fill(std::string& out, size_t budget) = 0;
};

// The entries of the directory `dir` (opened by root.open_directory(dir_path)),
// read through the root's DirectoryReader. Hidden: "." and "..", names with CR
// or LF (no command could name them), upload temporaries, other names
// starting with '.' unless options.dotfiles, anything but files
// and directories, and symlinks that lead out of the root or nowhere (they are
// resolved through the root, like any path).
std::unique_ptr<ListingStream> list_directory(const RootDirectory& root, std::string dir_path,
                                              UniqueFd dir, const ListingOptions& options);
// A listing of one file (LIST of a file name).
std::unique_ptr<ListingStream> list_single(std::string name, const struct stat& st,
                                           const ListingOptions& options);

// Whether a listing shows this name at all (see list_directory).
bool listable_name(std::string_view name, bool dotfiles);

}  // namespace muxd::ftp
