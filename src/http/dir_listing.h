#pragma once
// `--dir-listing`: a directory without index.html is listed, as HTML for a
// browser or as JSON when the client prefers application/json (accept.h).
//
// Memory is bounded, whatever the directory's size:
//   - sorting needs every entry, so one compact ListingEntry (name, size,
//     mtime, kind) per entry is held while the page is made, at most
//     kMaxListingEntries of them (more are counted and reported, not listed);
//   - the page itself (about ten times the names' size) is never built whole
//     in memory: it is rendered in kListingBatch-byte batches into an
//     anonymous memory file (memfd_create(2)), which the connection then sends
//     with sendfile(2) and Content-Length, as it sends any file, and closes
//     once sent. So the heap holds one batch, not the page, and the response
//     is an ordinary file response for every IO model.
// Names are attacker-chosen text (anyone who can create a file): in HTML they
// are escaped as text and percent-encoded in hrefs; in JSON they are escaped,
// '<' '>' '&' as \u escapes too, and invalid UTF-8 becomes U+FFFD. The HTML
// page runs no script and its Content-Security-Policy (kListingCsp) allows
// none. Reading the directory happens on the worker's thread: a directory of
// 20,000 entries takes a few milliseconds (a trade-off nginx's autoindex makes too).
#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/unique_fd.h"
#include "http/document_root.h"

namespace muxd::http {

inline constexpr size_t kMaxListingEntries = 100'000;
inline constexpr size_t kListingBatch = 64 * 1024;
inline constexpr std::string_view kListingCsp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

enum class ListingFormat { html, json };

struct ListingEntry {
  std::string name;
  uint64_t size = 0;
  time_t modified = 0;
  bool is_directory = false;
};

// Directories first, then names by bytes (stable across locales).
void sort_listing(std::vector<ListingEntry>& entries);

// Text escaping, each appending to `out`.
void append_html_escaped(std::string& out, std::string_view text);
void append_json_string(std::string& out, std::string_view text);  // with the quotes
void append_href(std::string& out, std::string_view name);         // RFC 3986 unreserved kept
void append_human_size(std::string& out, uint64_t bytes);          // "812 B", "1.5 KiB"

// Renders a listing in batches: `sink` gets the text kListingBatch bytes at a
// time (and the rest at end()); it returns false to stop (a write failed).
class ListingRenderer {
 public:
  using Sink = std::function<bool(std::string_view)>;
  ListingRenderer(ListingFormat format, std::string_view directory_path, Sink sink);

  bool begin();
  bool entry(const ListingEntry& entry);
  bool end(size_t omitted);  // `omitted`: entries over kMaxListingEntries

 private:
  bool maybe_flush();
  void html_entry(const ListingEntry& entry);
  void json_entry(const ListingEntry& entry);

  ListingFormat format_;
  std::string path_;  // the directory's decoded path, "/" ... "/"
  Sink sink_;
  std::string buffer_;
  size_t count_ = 0;
};

struct ListingBody {
  UniqueFd fd;  // a memfd holding the page, at offset 0
  uint64_t size = 0;
};

// Reads the directory `clean_dir` ("/" or "/a/b/") beneath `root`, keeps what
// the server would serve (regular files and directories; dotfiles only with
// `allow_dotfiles`; symlinks that lead out or nowhere are left out), sorts
// and renders it. Returns the body, or an errno.
std::variant<ListingBody, int> build_listing(const DocumentRoot& root, std::string_view clean_dir,
                                              ListingFormat format, bool allow_dotfiles);

}  // namespace muxd::http
