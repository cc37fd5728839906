#include "http/static_site.h"

#include "http/accept.h"
#include "http/cache_control.h"
#include "http/dir_listing.h"
#include "http/header_writer.h"
#include "http/target_path.h"
#include "http/vary.h"

namespace muxd::http {

// What every response of one request shares.
struct StaticSite::Reply {
  OutputQueue& out;
  bool keep_alive;
  bool http10;
  bool head_only;
  std::string_view origin;  // the request's Origin (CORS)
  VaryFields vary;  // request fields every response to it depends on (--spa: Accept)
};

namespace {

constexpr std::string_view allowed_methods = "GET, HEAD, OPTIONS";
constexpr size_t fixed_head_room = 512;
constexpr size_t coding_room = 64;  // Content-Encoding

std::string_view connection_field(bool keep_alive, bool http10) {
  if (!keep_alive) return "Connection: close\r\n";
  return http10 ? "Connection: keep-alive\r\n" : "";
}

}  // namespace

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Internal Server Error";
  }
}

StaticSite::StaticSite(const DocumentRoot& root, FileCache::Limits cache_limits, SiteOptions options)
    : root_(root),
      cache_(root, cache_limits),
      variants_(cache_, options.compress, {}),
      options_(std::move(options)),
      cors_(options_.extras.cors_origin) {
  clean_path_.reserve(256);
  const SiteExtras& extras = options_.extras;
  extra_room_ = extras.extra_headers.size() + extras.cache_control.size() + 2 * extras.cors_origin.size() +
                kVaryRoom + extras.vary.size() + 256;
}

void StaticSite::set_time(time_t now, std::chrono::steady_clock::time_point steady_now) {
  dates_.update(now);
  steady_now_ = steady_now;
}

HeaderWriter StaticSite::start_head(const Reply& reply, int status, size_t extra_room) {
  HeaderWriter head(reply.out.bytes(), fixed_head_room + extra_room + extra_room_);
  head.text("HTTP/1.1 ").number(static_cast<uint64_t>(status)).text(" ").text(reason_phrase(status)).text("\r\n");
  head.text("Server: muxd\r\nDate: ").text(dates_.http_date()).text("\r\n");
  return head;
}

void StaticSite::finish_head(const Reply& reply, HeaderWriter& head, VaryFields vary) {
  extra_fields(reply, head, vary.add(reply.vary));
  head.text(connection_field(reply.keep_alive, reply.http10)).text("\r\n");
  reply.out.appended(head.done());
}

ResponseSummary StaticSite::respond(const Request& request, bool keep_alive, OutputQueue& out) {
  Reply reply{out, keep_alive, request.minor_version == 0, request.method == Method::Head,
              request.header("origin"), {}};
  switch (request.method) {
    case Method::Get:
    case Method::Head:
      return serve_path(reply, request);
    case Method::Options:
      return cors_.is_preflight(request) ? preflight(reply, request) : options(reply);
    case Method::Unknown:
      return serve_error(reply, 501);
    default:
      return serve_error(reply, 405);
  }
}

ResponseSummary StaticSite::respond_error(int status, OutputQueue& out) {
  return serve_error(Reply{out, false, false, false, {}, {}}, status);
}

ResponseSummary StaticSite::serve_path(const Reply& reply, const Request& request) {
  if (!clean_target_path(request.path, clean_path_)) return not_found(reply, request);
  // Hidden, as nginx configs usually do (`location ~ /\. { deny all; }`),
  // but as not found rather than forbidden: no hint that /.env exists.
  if (!options_.allow_dotfiles && is_hidden_path(clean_path_)) return not_found(reply, request);
  bool wants_directory = clean_path_.back() == '/';
  if (wants_directory) clean_path_ += "index.html";
  FileLookup found = cache_.open(clean_path_, steady_now_);
  if (found.file) return serve_file(reply, request, std::move(found.file), 200);
  if (found.is_directory) return wants_directory ? serve_error(reply, 403) : redirect_to_directory(reply, request);
  // RFC 9110 §15.5.5: a directory without index.html is not listed, unless --dir-listing.
  if (wants_directory && found.error == ENOENT) return missing_index(reply, request);
  if (spa_applies(found.error)) return spa_fallback(reply, request);
  int status = status_for_errno(found.error);
  return status == 404 ? not_found(reply, request) : serve_error(reply, status);
}

// GET/HEAD of a regular file: the representation by Accept-Encoding
// (encoded_variants.h), then §13.2.2 preconditions on it, then §14.2 ranges
// (identity only). `status` 404 serves the site's 404.html: identity, no
// conditionals, no ranges.
ResponseSummary StaticSite::serve_file(const Reply& reply, const Request& request,
                                       std::shared_ptr<const CachedFile> file, int status) {
  Representation rep = status == 200 ? variants_.select(request, clean_path_, file, steady_now_)
                                     : Representation::identity(std::move(file));
  VaryFields vary = rep.vary ? VaryFields::accept_encoding : VaryFields{};
  if (!rep.acceptable) return serve_error(reply, 406, vary);
  const Validators& validators = rep.validators;
  RangeDecision range{RangeDecision::Full, {0, rep.length()}};
  if (status == 200) {
    if (not_modified(request.if_none_match, request.if_modified_since, validators)) {
      HeaderWriter head = start_head(reply, 304, coding_room);
      head.field("Last-Modified", rep.last_modified).field("ETag", rep.etag);
      head.field("Cache-Control", cache_control_for(rep.content_type, options_.extras.cache_control));
      finish_head(reply, head, vary);
      return {304, 0};
    }
    if (request.method == Method::Get && !request.range.empty() && rep.coding == Coding::identity)
      range = decide_range(request.range, request.if_range, validators);
    if (range.kind == RangeDecision::Unsatisfiable) return unsatisfiable(reply, validators.size);
    if (range.kind == RangeDecision::Full) range.range = {0, rep.length()};
  }
  int sent_status = range.kind == RangeDecision::Partial ? 206 : status;
  HeaderWriter head = start_head(reply, sent_status, coding_room);
  head.text("Content-Length: ").number(range.range.length).text("\r\n");
  head.field("Content-Type", rep.content_type);
  if (rep.coding != Coding::identity) head.field("Content-Encoding", coding_name(rep.coding));
  if (status == 200) {
    head.field("Last-Modified", rep.last_modified).field("ETag", rep.etag);
    head.field("Cache-Control", cache_control_for(rep.content_type, options_.extras.cache_control));
    // Ranges of an encoded body are not offered (nginx drops the field too).
    if (rep.coding == Coding::identity) head.text("Accept-Ranges: bytes\r\n");
  }
  if (sent_status == 206) {
    uint64_t last = range.range.first + range.range.length - 1;
    head.text("Content-Range: bytes ").number(range.range.first).text("-").number(last);
    head.text("/").number(validators.size).text("\r\n");
  }
  finish_head(reply, head, vary);
  if (reply.head_only) return {sent_status, 0};
  append_body(reply.out, std::move(rep), range.range);
  return {sent_status, range.range.length};
}

// Small files go out from memory in the same writev as the head; the rest by
// sendfile from the cached descriptor; a body compressed on the fly from its
// cached bytes. Either way the owner (cache entry, compressed body) stays
// alive until the bytes are sent, even if its cache drops it meanwhile.
void StaticSite::append_body(OutputQueue& out, Representation&& rep, ByteRange range) {
  if (rep.body) {
    const char* data = rep.body->bytes.data() + range.first;
    out.append_external(data, range.length, std::move(rep.body));
  } else if (rep.file->body) {
    const char* data = rep.file->body.get() + range.first;
    out.append_external(data, range.length, std::move(rep.file));
  } else {
    int fd = rep.file->fd.get();
    out.append_file(fd, static_cast<off_t>(range.first), range.length, std::move(rep.file));
  }
}

// §15.5.17: 416 names the current length.
ResponseSummary StaticSite::unsatisfiable(const Reply& reply, uint64_t size) {
  constexpr std::string_view body = "416 Range Not Satisfiable\n";
  HeaderWriter head = start_head(reply, 416, 0);
  head.text("Content-Length: ").number(body.size()).text("\r\n");
  head.text("Content-Type: text/plain; charset=utf-8\r\n");
  head.text("Content-Range: bytes */").number(size).text("\r\n");
  finish_head(reply, head);
  if (reply.head_only) return {416, 0};
  reply.out.append(body);
  return {416, body.size()};
}

// The site's own 404.html when it has one.
ResponseSummary StaticSite::not_found(const Reply& reply, const Request& request) {
  clean_path_.assign("/404.html");
  FileLookup page = cache_.open(clean_path_, steady_now_);
  if (page.file) return serve_file(reply, request, std::move(page.file), 404);
  return serve_error(reply, 404);
}

// "/dir" names a directory: send the client to "/dir/" so that relative links
// in its index.html resolve (RFC 9110 §15.4.2). The query comes along.
ResponseSummary StaticSite::redirect_to_directory(const Reply& reply, const Request& request) {
  constexpr std::string_view body = "301 Moved Permanently\n";
  HeaderWriter head = start_head(reply, 301, request.path.size() + request.query.size() + 64);
  head.text("Content-Length: ").number(body.size()).text("\r\n");
  head.text("Content-Type: text/plain; charset=utf-8\r\n");
  head.text("Location: ").text(request.path).text("/");
  if (!request.query.empty()) head.text("?").text(request.query);
  head.text("\r\n");
  finish_head(reply, head);
  if (reply.head_only) return {301, 0};
  reply.out.append(body);
  return {301, body.size()};
}

ResponseSummary StaticSite::options(const Reply& reply) {
  HeaderWriter head = start_head(reply, 200, 0);
  head.text("Content-Length: 0\r\nAllow: ").text(allowed_methods).text("\r\n");
  finish_head(reply, head);
  return {200, 0};
}

// Every error has a short text body and a Content-Length (405 adds Allow).
ResponseSummary StaticSite::serve_error(const Reply& reply, int status, VaryFields vary) {
  std::string_view reason = reason_phrase(status);
  uint64_t length = 4 + reason.size() + 1;  // "404 Not Found\n"
  HeaderWriter head = start_head(reply, status, 0);
  head.text("Content-Length: ").number(length).text("\r\n");
  head.text("Content-Type: text/plain; charset=utf-8\r\n");
  if (status == 405) head.text("Allow: ").text(allowed_methods).text("\r\n");
  finish_head(reply, head, vary);
  if (reply.head_only) return {status, 0};
  HeaderWriter body(reply.out.bytes(), length);
  body.number(static_cast<uint64_t>(status)).text(" ").text(reason).text("\n");
  reply.out.appended(body.done());
  return {status, length};
}

}  // namespace muxd::http

// --- what site_extras.h adds ------------------------------------------------
namespace muxd::http {

// --header lines, the one Vary line (vary.h), then CORS (cors.h) on every
// response, errors included.
void StaticSite::extra_fields(const Reply& reply, HeaderWriter& head, VaryFields vary) const {
  head.text(options_.extras.extra_headers);
  CorsDecision cors = cors_.enabled() ? cors_.decide(reply.origin) : CorsDecision{};
  if (cors.vary_origin) vary.add(VaryFields::origin);
  write_vary(head, vary, options_.extras.vary);
  if (!cors.allow_origin.empty()) {
    head.field("Access-Control-Allow-Origin", cors.allow_origin);
    head.field("Access-Control-Expose-Headers", kCorsExposeHeaders);
  }
}

// A CORS preflight: 204, what may follow, and for how long (cors.h).
ResponseSummary StaticSite::preflight(const Reply& reply, const Request& request) {
  std::string_view asked = request.header("access-control-request-headers");
  CorsDecision cors = cors_.decide_preflight(reply.origin, asked);
  HeaderWriter head = start_head(reply, 204, asked.size());
  head.field("Access-Control-Allow-Methods", kCorsAllowMethods);
  if (!cors.allow_headers.empty()) head.field("Access-Control-Allow-Headers", cors.allow_headers);
  head.field("Access-Control-Max-Age", kCorsMaxAge);
  finish_head(reply, head);  // Access-Control-Allow-Origin and Vary come with extra_fields
  return {204, 0};
}

// A path ending in '/' without index.html: listed with --dir-listing; else
// 403 as before when the directory exists, and with --spa a missing
// directory is a missing path like any other.
ResponseSummary StaticSite::missing_index(const Reply& reply, const Request& request) {
  clean_path_.resize(clean_path_.size() - std::string_view("index.html").size());
  if (options_.extras.dir_listing) return serve_listing(reply, request);
  if (options_.extras.spa_path.empty()) return serve_error(reply, 403);
  FileLookup directory = cache_.open(clean_path_, steady_now_);
  if (directory.is_directory) return serve_error(reply, 403);
  return spa_applies(directory.error) ? spa_fallback(reply, request) : not_found(reply, request);
}

// --dir-listing: the page's length is counted first, then the page is made
// batch by batch as the connection sends it (dir_listing.h); HEAD makes none.
ResponseSummary StaticSite::serve_listing(const Reply& reply, const Request& request) {
  bool json = prefers_json(request.header("accept"));
  auto built = build_listing(root_, clean_path_, json ? ListingFormat::json : ListingFormat::html,
                             options_.allow_dotfiles);
  if (auto* error = std::get_if<int>(&built)) {  // no such directory: as for a missing file
    if (spa_applies(*error)) return spa_fallback(reply, request);
    int status = status_for_errno(*error);
    return status == 404 ? not_found(reply, request) : serve_error(reply, status);
  }
  ListingBody& body = std::get<ListingBody>(built);
  HeaderWriter head = start_head(reply, 200, kListingCsp.size());
  head.text("Content-Length: ").number(body.size).text("\r\n");
  head.field("Content-Type", json ? "application/json" : "text/html; charset=utf-8");
  head.field("Cache-Control", options_.extras.cache_control.empty() ? kHtmlCacheControl : options_.extras.cache_control);
  head.text("X-Content-Type-Options: nosniff\r\n");
  if (!json) head.field("Content-Security-Policy", kListingCsp);
  finish_head(reply, head, VaryFields::accept);  // Accept chose HTML or JSON
  if (reply.head_only || body.size == 0) return {200, 0};
  reply.out.append_generated(body.size, std::move(body.producer));
  return {200, body.size};
}

// --spa: a page navigation (GET/HEAD accepting text/html explicitly) to a
// path that does not exist and does not look like a file (no '.' in its last
// segment after the first character) gets the app's page. Paths that were
// refused (outside the root, dotfiles) never reach here; symlinks leading
// out (EXDEV) and permission errors keep their answer.
bool StaticSite::spa_applies(int error) const {
  return !options_.extras.spa_path.empty() && (error == ENOENT || error == ENOTDIR);
}

// A missing path under --spa: the app's page or the 404, which one depends on
// Accept, so both say "Vary: Accept" (RFC 9110 §12.5.5) for shared caches.
ResponseSummary StaticSite::spa_fallback(const Reply& reply, const Request& request) {
  Reply varied = reply;
  varied.vary.add(VaryFields::accept);
  std::string_view last = std::string_view(clean_path_).substr(clean_path_.rfind('/') + 1);
  bool looks_like_file = last.size() >= 2 && last.find('.', 1) != std::string_view::npos;
  if (looks_like_file || !accepts_html_explicitly(request.header("accept"))) return not_found(varied, request);
  FileLookup page = cache_.open(options_.extras.spa_path, steady_now_);
  if (page.file) return serve_file(varied, request, std::move(page.file), 200);
  return not_found(varied, request);
}

}  // namespace muxd::http
