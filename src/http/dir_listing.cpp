#include "http/dir_listing.h"

#include <sys/mman.h>
#include <unistd.h>

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

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Collects what the server would serve of the directory, bounded.
int read_entries(const DocumentRoot& root, std::string_view clean_dir, bool allow_dotfiles,
                 std::vector<ListingEntry>& entries, size_t& omitted) {
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

void sort_listing(std::vector<ListingEntry>& entries) {
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

ListingRenderer::ListingRenderer(ListingFormat format, std::string_view directory_path, Sink sink)
    : format_(format), path_(directory_path), sink_(std::move(sink)) {
  buffer_.reserve(kListingBatch + 4096);
}

bool ListingRenderer::begin() {
  if (format_ == ListingFormat::json) {
    buffer_.append("{\"path\":");
    append_json_string(buffer_, path_);
    buffer_.append(",\"entries\":[");
    return true;
  }
  buffer_.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                 "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Index of ");
  append_html_text(buffer_, path_);
  buffer_.append("</title><style>").append(kStyle).append("</style></head>\n<body><main><h1>Index of ");
  append_html_text(buffer_, path_);
  buffer_.append("</h1>\n<table><thead><tr><th>Name</th><th class=\"n\">Size</th><th>Modified (UTC)</th></tr>"
                 "</thead><tbody>\n");
  if (path_ != "/") buffer_.append("<tr><td><a class=\"p\" href=\"../\">../</a></td><td class=\"n\"></td><td></td></tr>\n");
  return true;
}

bool ListingRenderer::entry(const ListingEntry& entry) {
  if (format_ == ListingFormat::json) {
    json_entry(entry);
  } else {
    html_entry(entry);
  }
  ++count_;
  return maybe_flush();
}

void ListingRenderer::html_entry(const ListingEntry& entry) {
  buffer_.append("<tr><td><a ");
  if (entry.is_directory) buffer_.append("class=\"d\" ");
  buffer_.append("href=\"./");  // "./": a name with ':' is never read as a scheme
  append_href(buffer_, entry.name);
  if (entry.is_directory) buffer_.push_back('/');
  buffer_.append("\">");
  append_html_text(buffer_, entry.name);
  buffer_.append("</a></td><td class=\"n\">");
  if (!entry.is_directory) append_human_size(buffer_, entry.size);
  buffer_.append("</td><td class=\"t\">");
  append_time(buffer_, entry.modified, false);
  buffer_.append("</td></tr>\n");
}

void ListingRenderer::json_entry(const ListingEntry& entry) {
  if (count_ > 0) buffer_.push_back(',');
  buffer_.append("\n{\"name\":");
  append_json_string(buffer_, entry.name);
  buffer_.append(entry.is_directory ? ",\"type\":\"directory\"" : ",\"type\":\"file\"");
  buffer_.append(",\"size\":");
  append_number(buffer_, entry.size);
  buffer_.append(",\"modified\":\"");
  append_time(buffer_, entry.modified, true);
  buffer_.append("\"}");
}

bool ListingRenderer::maybe_flush() {
  if (buffer_.size() < kListingBatch) return true;
  bool ok = sink_(buffer_);
  buffer_.clear();
  return ok;
}

bool ListingRenderer::end(size_t omitted) {
  if (format_ == ListingFormat::json) {
    buffer_.append("\n],\"count\":");
    append_number(buffer_, count_);
    buffer_.append(",\"omitted\":");
    append_number(buffer_, omitted);
    buffer_.append("}\n");
  } else {
    buffer_.append("</tbody></table>\n<footer>");
    append_number(buffer_, count_);
    buffer_.append(count_ == 1 ? " entry" : " entries");
    if (omitted > 0) {
      buffer_.append(", ");
      append_number(buffer_, omitted);
      buffer_.append(" more not listed");
    }
    buffer_.append(" · muxd http</footer></main></body></html>\n");
  }
  bool ok = sink_(buffer_);
  buffer_.clear();
  return ok;
}

std::variant<ListingBody, int> build_listing(const DocumentRoot& root, std::string_view clean_dir,
                                              ListingFormat format, bool allow_dotfiles) {
  std::vector<ListingEntry> entries;
  size_t omitted = 0;
  if (int error = read_entries(root, clean_dir, allow_dotfiles, entries, omitted)) return error;
  sort_listing(entries);
  ListingBody body;
  body.fd = UniqueFd(::memfd_create("muxd-listing", MFD_CLOEXEC));
  if (!body.fd) return errno;
  int fd = body.fd.get();
  ListingRenderer renderer(format, clean_dir, [fd, &body](std::string_view batch) {
    body.size += batch.size();
    return write_all(fd, batch);
  });
  bool ok = renderer.begin();
  for (size_t i = 0; ok && i < entries.size(); ++i) ok = renderer.entry(entries[i]);
  if (!ok || !renderer.end(omitted)) return EIO;
  return body;
}

}  // namespace muxd::http
