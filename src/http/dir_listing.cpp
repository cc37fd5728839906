#include "http/dir_listing.h"

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "core/utf8.h"

namespace muxd::http {
namespace {

constexpr std::string_view kStyle =
    "body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;background:#f6f8fa}"
    "main{max-width:960px;margin:2rem auto;padding:0 1rem}"
    "h1{font-size:1.3rem;font-weight:600;word-break:break-all}"
    "table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #d0d7de;border-radius:6px}"
    "th,td{padding:.45rem .8rem;text-align:left;border-bottom:1px solid #eaeef2}"
    "th{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:#59636e;background:#f6f8fa}"
    "td.n,th.n{text-align:right;white-space:nowrap}td.t{white-space:nowrap;color:#59636e}"
    "a{color:#0969da;text-decoration:none;word-break:break-all}a:hover{text-decoration:underline}"
    "a.d{font-weight:600}a.d::after{content:'/'}tr:hover td{background:#f6f8fa}"
    "footer{margin:.8rem 0;color:#59636e;font-size:.85rem}"
    "@media(prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}"
    "table{background:#161b22;border-color:#30363d}th{background:#161b22;color:#8d96a0}"
    "th,td{border-color:#21262d}tr:hover td{background:#1c2128}a{color:#4493f8}td.t,footer{color:#8d96a0}}";

void append_number(std::string& out, uint64_t value) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof(digits), value).ptr);
}

void append_two(std::string& out, int value) {
  out.push_back(static_cast<char>('0' + value / 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

// "2026-11-30 20:50" (HTML) or "2026-11-30T20:50:17Z" (JSON, RFC 3339), UTC.
void append_time(std::string& out, time_t when, bool rfc3339) {
  struct tm tm {};
  gmtime_r(&when, &tm);
  append_number(out, static_cast<uint64_t>(tm.tm_year + 1900));
  out.push_back('-');
  append_two(out, tm.tm_mon + 1);
  out.push_back('-');
  append_two(out, tm.tm_mday);
  out.push_back(rfc3339 ? 'T' : ' ');
  append_two(out, tm.tm_hour);
  out.push_back(':');
  append_two(out, tm.tm_min);
  if (rfc3339) {
    out.push_back(':');
    append_two(out, tm.tm_sec);
    out.push_back('Z');
  }
}

bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// The page's text is HTML-escaped UTF-8; invalid bytes show as U+FFFD.
void append_html_text(std::string& out, std::string_view text) {
  if (is_valid_utf8(text)) return append_html_escaped(out, text);
  std::string clean;
  while (!text.empty()) {
    Utf8Char ch = decode_utf8(text);
    if (ch.valid) {
      clean.append(text.substr(0, ch.length));
    } else {
      append_utf8(clean, kReplacementCharacter);
    }
    text.remove_prefix(ch.length);
  }
  append_html_escaped(out, clean);
}

// Collects what the server would serve of the directory, bounded.
int read_entries(const DocumentRoot& root, std::string_view clean_dir, bool allow_dotfiles,
                 ListingEntries& entries, size_t& omitted) {
  int error = 0;
  DirectoryReader reader = root.read_directory(clean_dir, &error);
  if (!reader.valid()) return error ? error : EIO;
  DirectoryEntry raw;
  while (reader.next(&raw)) {
    if (raw.error != 0) continue;  // a symlink leading out of the root, or nowhere
    if (!allow_dotfiles && raw.name.starts_with('.')) continue;
    bool is_dir = S_ISDIR(raw.st.st_mode);
    if (!is_dir && !S_ISREG(raw.st.st_mode)) continue;  // FIFOs, sockets, devices are never served
    if (entries.size() >= kMaxListingEntries) {
      ++omitted;
      continue;
    }
    entries.push_back({std::move(raw.name), is_dir ? 0 : static_cast<uint64_t>(raw.st.st_size),
                       raw.st.st_mtim.tv_sec, is_dir});
  }
  return reader.error();
}

}  // namespace

void sort_listing(ListingEntries& entries) {
  std::sort(entries.begin(), entries.end(), [](const ListingEntry& a, const ListingEntry& b) {
    if (a.is_directory != b.is_directory) return a.is_directory;
    return a.name < b.name;
  });
}

void append_html_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out.append("&amp;"); break;
      case '<': out.append("&lt;"); break;
      case '>': out.append("&gt;"); break;
      case '"': out.append("&quot;"); break;
      case '\'': out.append("&#39;"); break;
      default: out.push_back(c);
    }
  }
}

void append_json_string(std::string& out, std::string_view text) {
  constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  while (!text.empty()) {
    Utf8Char ch = decode_utf8(text);
    std::string_view bytes = text.substr(0, ch.length);
    text.remove_prefix(ch.length);
    if (!ch.valid) {
      out.append("\\ufffd");
      continue;
    }
    char32_t cp = ch.code_point;
    if (cp == '"' || cp == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x20 || cp == '<' || cp == '>' || cp == '&' || cp == 0x7f || cp == 0x2028 || cp == 0x2029) {
      out.append("\\u");
      for (int shift = 12; shift >= 0; shift -= 4) out.push_back(hex[(cp >> shift) & 0xf]);
    } else {
      out.append(bytes);
    }
  }
  out.push_back('"');
}

void append_href(std::string& out, std::string_view name) {
  constexpr char hex[] = "0123456789ABCDEF";
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    if (unreserved(byte)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(hex[byte >> 4]);
      out.push_back(hex[byte & 0xf]);
    }
  }
}

void append_human_size(std::string& out, uint64_t bytes) {
  constexpr std::string_view units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) {
    append_number(out, bytes);
    out.append(" B");
    return;
  }
  size_t unit = 0;
  uint64_t scaled = bytes;  // in tenths of the unit below
  while (scaled >= 1024 * 1024 && unit + 2 < std::size(units)) {
    scaled /= 1024;
    ++unit;
  }
  uint64_t tenths = (scaled * 10 + 512) / 1024;  // one decimal, rounded
  append_number(out, tenths / 10);
  if (tenths < 100) {
    out.push_back('.');
    out.push_back(static_cast<char>('0' + tenths % 10));
  }
  out.push_back(' ');
  out.append(units[unit + 1]);
}

ListingRenderer::ListingRenderer(ListingFormat format, std::string_view directory_path)
    : format_(format), path_(directory_path) {}

void ListingRenderer::begin(std::string& out) {
  if (format_ == ListingFormat::json) {
    out.append("{\"path\":");
    append_json_string(out, path_);
    out.append(",\"entries\":[");
    return;
  }
  out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Index of ");
  append_html_text(out, path_);
  out.append("</title><style>").append(kStyle).append("</style></head>\n<body><main><h1>Index of ");
  append_html_text(out, path_);
  out.append("</h1>\n<table><thead><tr><th>Name</th><th class=\"n\">Size</th><th>Modified (UTC)</th></tr>"
             "</thead><tbody>\n");
  if (path_ != "/") out.append("<tr><td><a class=\"p\" href=\"../\">../</a></td><td class=\"n\"></td><td></td></tr>\n");
}

void ListingRenderer::entry(std::string& out, const ListingEntry& entry) {
  if (format_ == ListingFormat::json) {
    json_entry(out, entry);
  } else {
    html_entry(out, entry);
  }
  ++count_;
}

void ListingRenderer::html_entry(std::string& out, const ListingEntry& entry) {
  out.append("<tr><td><a ");
  if (entry.is_directory) out.append("class=\"d\" ");
  out.append("href=\"./");  // "./": a name with ':' is never read as a scheme
  append_href(out, entry.name);
  if (entry.is_directory) out.push_back('/');
  out.append("\">");
  append_html_text(out, entry.name);
  out.append("</a></td><td class=\"n\">");
  if (!entry.is_directory) append_human_size(out, entry.size);
  out.append("</td><td class=\"t\">");
  append_time(out, entry.modified, false);
  out.append("</td></tr>\n");
}

void ListingRenderer::json_entry(std::string& out, const ListingEntry& entry) {
  if (count_ > 0) out.push_back(',');
  out.append("\n{\"name\":");
  append_json_string(out, entry.name);
  out.append(entry.is_directory ? ",\"type\":\"directory\"" : ",\"type\":\"file\"");
  out.append(",\"size\":");
  append_number(out, entry.size);
  out.append(",\"modified\":\"");
  append_time(out, entry.modified, true);
  out.append("\"}");
}

void ListingRenderer::end(std::string& out, size_t omitted) {
  if (format_ == ListingFormat::json) {
    out.append("\n],\"count\":");
    append_number(out, count_);
    out.append(",\"omitted\":");
    append_number(out, omitted);
    out.append("}\n");
    return;
  }
  out.append("</tbody></table>\n<footer>");
  append_number(out, count_);
  out.append(count_ == 1 ? " entry" : " entries");
  if (omitted > 0) {
    out.append(", ");
    append_number(out, omitted);
    out.append(" more not listed");
  }
  out.append(" · muxd http</footer></main></body></html>\n");
}

ListingProducer::ListingProducer(std::shared_ptr<const ListingPage> page)
    : page_(std::move(page)), renderer_(page_->format, page_->path) {}

void ListingProducer::produce(std::string& into, size_t batch) {
  size_t start = into.size();
  const ListingEntries& entries = page_->entries;
  while (!finished_ && into.size() - start < batch) {
    if (next_ == 0) {
      renderer_.begin(into);
    } else if (next_ <= entries.size()) {
      renderer_.entry(into, entries[next_ - 1]);
    } else {
      renderer_.end(into, page_->omitted);
      finished_ = true;
    }
    ++next_;
  }
  rendered_ += into.size() - start;
}

std::unique_ptr<OutputProducer> ListingProducer::clone() const { return std::make_unique<ListingProducer>(*this); }

std::variant<ListingBody, int> build_listing(const DocumentRoot& root, std::string_view clean_dir,
                                              ListingFormat format, bool allow_dotfiles) {
  auto page = std::make_shared<ListingPage>();
  page->format = format;
  page->path = clean_dir;
  if (int error = read_entries(root, clean_dir, allow_dotfiles, page->entries, page->omitted)) return error;
  sort_listing(page->entries);
  ListingBody body;
  body.producer = std::make_unique<ListingProducer>(std::move(page));
  ListingProducer counter = *body.producer;  // the counting pass: one batch at a time, kept nowhere
  std::string batch;
  batch.reserve(kListingBatch + 4096);
  do {
    batch.clear();
    counter.produce(batch, kListingBatch);
    body.size += batch.size();
  } while (!batch.empty());
  return body;
}

}  // namespace muxd::http
