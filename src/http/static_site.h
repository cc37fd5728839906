#pragma once
// StaticSite: turns a parsed request into a complete response in an
// OutputQueue (header bytes, then the body as bytes or a file range). No
// sockets here: the connection flushes the queue. One per worker.
#include <chrono>
#include <string>

#include "core/output_queue.h"
#include "http/date_cache.h"
#include "http/document_root.h"
#include "http/encoded_variants.h"
#include "http/file_cache.h"
#include "http/header_writer.h"
#include "http/request_parser.h"
#include "http/cors.h"
#include "http/site_extras.h"
#include "http/vary.h"

namespace muxd::http {

struct ResponseSummary {
  int status;
  uint64_t body_bytes;  // what the access log reports
};

struct SiteOptions {
  bool allow_dotfiles = false;  // --dotfiles allow: serve names starting with '.'
  CompressMode compress = CompressMode::automatic;  // --compress (docs/http-compression.md)
  SiteExtras extras;            // listings, SPA, extra fields, CORS, Cache-Control
};

class StaticSite {
 public:
  explicit StaticSite(const DocumentRoot& root, FileCache::Limits cache_limits = {}, SiteOptions options = {});

  // `keep_alive` is the connection's decision (request wish, server state).
  ResponseSummary respond(const Request& request, bool keep_alive, OutputQueue& out);
  // An error without a request to speak of (bad syntax, timeout): always a
  // short text body, always "Connection: close".
  ResponseSummary respond_error(int status, OutputQueue& out);

  void set_time(time_t now, std::chrono::steady_clock::time_point steady_now);
  // The current second, formatted for Date and for the access log.
  const DateCache& dates() const { return dates_; }

 private:
  struct Reply;
  ResponseSummary serve_file(const Reply& reply, const Request& request, std::shared_ptr<const CachedFile> file,
                             int status);
  ResponseSummary serve_path(const Reply& reply, const Request& request);
  ResponseSummary serve_error(const Reply& reply, int status, VaryFields vary = {});
  ResponseSummary not_found(const Reply& reply, const Request& request);
  ResponseSummary redirect_to_directory(const Reply& reply, const Request& request);
  ResponseSummary options(const Reply& reply);
  ResponseSummary unsatisfiable(const Reply& reply, uint64_t size);
  // What --dir-listing, --spa, --header and --cors add (site_extras.h).
  ResponseSummary missing_index(const Reply& reply, const Request& request);
  ResponseSummary serve_listing(const Reply& reply, const Request& request);
  ResponseSummary spa_fallback(const Reply& reply, const Request& request);
  bool spa_applies(int error) const;
  ResponseSummary preflight(const Reply& reply, const Request& request);
  void extra_fields(const Reply& reply, HeaderWriter& head, VaryFields vary) const;
  static void append_body(OutputQueue& out, Representation&& rep, ByteRange range);
  HeaderWriter start_head(const Reply& reply, int status, size_t extra_room);
  void finish_head(const Reply& reply, HeaderWriter& head, VaryFields vary = {});

  const DocumentRoot& root_;
  FileCache cache_;
  EncodedVariants variants_;  // after cache_: it opens sidecars through it
  SiteOptions options_;
  CorsPolicy cors_;
  size_t extra_room_ = 0;  // head bytes extra_fields() may add
  DateCache dates_;
  std::chrono::steady_clock::time_point steady_now_;
  std::string clean_path_;  // reused: no allocation per request
};

std::string_view reason_phrase(int status);

}  // namespace muxd::http
