#pragma once
// `--dir-listing`: a directory without index.html is listed, as HTML for a
// browser or as JSON when the client prefers application/json (accept.h).
//
// Memory is bounded, whatever the directory's size:
//   - sorting needs every entry, so one compact ListingEntry (name, size,
//     mtime, kind) per entry is held while the response is sent, at most
//     kMaxListingEntries of them (more are counted and reported, not listed):
//     56 bytes each plus names longer than 15 bytes (measured: 5.7 MB for
//     100,000 short names, whose page is 15 MB);
//   - the page itself (about ten times the names' size) is never held
//     whole: Content-Length comes from a first pass that renders it batch
//     by batch and keeps only the count, then the
//     connection's OutputQueue asks a ListingProducer for one kListingBatch
//     batch at a time as the socket drains (OutputQueue::append_generated).
//     So a connection holds the sorted entries plus one batch, for every IO
//     model; the price is rendering the page twice (CPU, no memory).
// Names are attacker-chosen text (anyone who can create a file): in HTML they
// are escaped as text and percent-encoded in hrefs; in JSON they are escaped,
// '<' '>' '&' as \u escapes too, and invalid UTF-8 becomes U+FFFD. The HTML
// page runs no script and its Content-Security-Policy (kListingCsp) allows
// none. Reading the directory happens on the worker's thread: a directory of
// 20,000 entries takes a few milliseconds (a trade-off nginx's autoindex makes too).
#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "core/output_queue.h"
#include "http/document_root.h"

namespace muxd::http {

inline constexpr size_t kMaxListingEntries = 100'000;
inline constexpr size_t kListingBatch = OutputQueue::kProducerBatch;
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

// A deque, not a vector: it grows by small blocks and never copies, where a
// vector's doubling leaves its outgrown copies in the heap (measured: the
// heap grew by twice the entries' size).
using ListingEntries = std::deque<ListingEntry>;

// Directories first, then names by bytes (stable across locales).
void sort_listing(ListingEntries& entries);

// Text escaping, each appending to `out`.
void append_html_escaped(std::string& out, std::string_view text);
void append_json_string(std::string& out, std::string_view text);  // with the quotes
void append_href(std::string& out, std::string_view name);         // RFC 3986 unreserved kept
void append_human_size(std::string& out, uint64_t bytes);          // "812 B", "1.5 KiB"

// Renders a listing piece by piece into a caller's string. Copyable: it
// only counts the entries rendered so far.
class ListingRenderer {
 public:
  ListingRenderer(ListingFormat format, std::string_view directory_path);

  void begin(std::string& out);
  void entry(std::string& out, const ListingEntry& entry);
  void end(std::string& out, size_t omitted);  // `omitted`: entries over kMaxListingEntries

 private:
  void html_entry(std::string& out, const ListingEntry& entry);
  void json_entry(std::string& out, const ListingEntry& entry);

  ListingFormat format_;
  std::string path_;  // the directory's decoded path, "/" ... "/"
  size_t count_ = 0;
};

// What a listing is made of: the sorted entries, shared (read-only) by the
// producer, its clones and the counting pass.
struct ListingPage {
  ListingFormat format;
  std::string path;
  ListingEntries entries;
  size_t omitted = 0;
};

// Makes the page batch by batch for OutputQueue::append_generated: each
// produce() renders whole entries until the batch reaches `batch` bytes.
class ListingProducer final : public OutputProducer {
 public:
  explicit ListingProducer(std::shared_ptr<const ListingPage> page);

  void produce(std::string& into, size_t batch) override;
  std::unique_ptr<OutputProducer> clone() const override;
  uint64_t rendered() const { return rendered_; }  // bytes made so far (tests)

 private:
  std::shared_ptr<const ListingPage> page_;
  ListingRenderer renderer_;
  size_t next_ = 0;  // 0: the head is next; 1 + i: entry i; 1 + size: the end
  bool finished_ = false;
  uint64_t rendered_ = 0;
};

struct ListingBody {
  std::unique_ptr<ListingProducer> producer;  // from the page's first byte
  uint64_t size = 0;                          // the page's exact length
};

// Reads the directory `clean_dir` ("/" or "/a/b/") beneath `root`, keeps what
// the server would serve (regular files and directories; dotfiles only with
// `allow_dotfiles`; symlinks that lead out or nowhere are left out), sorts
// and counts the page's length (rendering it once, keeping nothing).
// Returns the body, to be made as it is sent, or an errno.
std::variant<ListingBody, int> build_listing(const DocumentRoot& root, std::string_view clean_dir,
                                              ListingFormat format, bool allow_dotfiles);

}  // namespace muxd::http
