#include "http/encoded_variants.h"

#include <strings.h>
#include <unistd.h>

#include <cstring>

#include "http/compressor.h"

namespace muxd::http {
namespace {

constexpr auto revalidate_after = std::chrono::seconds(1);

bool not_older(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec >= b.tv_nsec);
}

std::string_view level_suffix(Coding coding) {
  static_assert(kBrotliQuality == 5 && kZstdLevel == 3 && kGzipLevel == 6, "update the ETag suffixes");
  switch (coding) {
    case Coding::br: return "-br5";
    case Coding::zstd: return "-zst3";
    case Coding::gzip: return "-gz6";
    case Coding::identity: break;
  }
  return "";
}

// The whole file: from the cache's copy when it has one, else by pread.
bool read_file(const CachedFile& file, std::string& storage, std::string_view& out) {
  auto size = static_cast<size_t>(file.st.st_size);
  if (file.body) {
    out = {file.body.get(), size};
    return true;
  }
  storage.resize(size);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(file.fd.get(), storage.data() + done, size - done, static_cast<off_t>(done));
    if (n <= 0) return false;  // shrank while read: send identity, which notices too
    done += static_cast<size_t>(n);
  }
  out = storage;
  return true;
}

}  // namespace

Representation Representation::identity(std::shared_ptr<const CachedFile> file) {
  Representation rep;
  rep.content_type = file->content_type;
  rep.etag = file->etag_view();
  rep.last_modified = file->last_modified_view();
  rep.validators = file->validators();
  rep.file = std::move(file);
  return rep;
}

size_t format_coded_etag(std::string_view identity_etag, Coding coding, char* out, size_t capacity) {
  std::string_view suffix = level_suffix(coding);
  if (identity_etag.size() < 2 || identity_etag.size() + suffix.size() > capacity) return 0;
  std::string_view inner = identity_etag.substr(0, identity_etag.size() - 1);  // without the closing quote
  std::memcpy(out, inner.data(), inner.size());
  std::memcpy(out + inner.size(), suffix.data(), suffix.size());
  out[inner.size() + suffix.size()] = '"';
  return inner.size() + suffix.size() + 1;
}

EncodedVariants::EncodedVariants(FileCache& files, CompressMode mode, Limits limits)
    : files_(files), mode_(mode), limits_(limits), cache_(limits.cache_bytes) {}

bool EncodedVariants::compresses_on_the_fly(const CachedFile& file) const {
  auto size = static_cast<uint64_t>(file.st.st_size);
  return mode_ == CompressMode::automatic && size >= limits_.min_size && size <= limits_.max_size &&
         is_compressible_type(file.content_type);
}

Representation EncodedVariants::select(const Request& request, const std::string& path,
                                       const std::shared_ptr<const CachedFile>& file,
                                       std::chrono::steady_clock::time_point now) {
  Representation rep = Representation::identity(file);
  if (mode_ == CompressMode::off) return rep;
  const Sidecars& sidecars = sidecars_for(path, *file, now);
  bool on_the_fly = compresses_on_the_fly(*file);
  if (!sidecars.available && !on_the_fly) return rep;
  rep.vary = true;

  AcceptEncoding accept;
  for (const Header& header : request.headers()) {
    if (header.name.size() == 15 && strncasecmp(header.name.data(), "accept-encoding", 15) == 0) accept.add(header.value);
  }
  // Ranges are served on identity only (of an encoded body they would be
  // ranges of bytes no file holds): a Range request gets identity when the
  // client takes it, else the Range is ignored (§14.2 lets a server).
  bool ranged = request.method == Method::Get && !request.range.empty();
  if (ranged && accept.quality(Coding::identity) > 0) return rep;

  CodingSet available = sidecars.available;
  if (on_the_fly) available |= coding_bit(Coding::br) | coding_bit(Coding::zstd) | coding_bit(Coding::gzip);
  Negotiation chosen = negotiate(accept, available);
  if (!chosen.acceptable) {
    rep.acceptable = false;
    return rep;
  }
  if (chosen.coding == Coding::identity) return rep;
  std::shared_ptr<const CachedFile> sidecar;
  if (sidecars.available & coding_bit(chosen.coding)) sidecar = open_sidecar(path, *file, chosen.coding, now);
  if (sidecar) {
    rep.coding = chosen.coding;
    rep.etag = sidecar->etag_view();
    rep.last_modified = sidecar->last_modified_view();
    rep.validators = sidecar->validators();
    rep.file = std::move(sidecar);
    return rep;
  }
  if (!on_the_fly) return rep;  // the sidecar went away since it was found
  auto body = compressed(path, *file, chosen.coding);
  if (!body || (!body->smaller && accept.quality(Coding::identity) > 0)) return rep;
  rep.coding = chosen.coding;
  rep.etag = body->etag_view();
  rep.validators.etag = rep.etag;
  rep.validators.size = body->bytes.size();
  rep.body = std::move(body);
  return rep;
}

const EncodedVariants::Sidecars& EncodedVariants::sidecars_for(const std::string& path, const CachedFile& file,
                                                               std::chrono::steady_clock::time_point now) {
  auto found = sidecars_.find(path);
  if (found != sidecars_.end()) {
    Sidecars& known = found->second;
    if (now - known.checked_at < revalidate_after && known.original == SourceStamp::of(file.st)) return known;
    find_sidecars(path, file, now, known);
    return known;
  }
  // No recency bookkeeping, as in the file cache: drop whichever comes first.
  if (sidecars_.size() >= limits_.max_sidecar_entries) sidecars_.erase(sidecars_.begin());
  Sidecars& fresh = sidecars_[path];
  find_sidecars(path, file, now, fresh);
  return fresh;
}

void EncodedVariants::find_sidecars(const std::string& path, const CachedFile& file,
                                    std::chrono::steady_clock::time_point now, Sidecars& out) {
  out.checked_at = now;
  out.original = SourceStamp::of(file.st);
  out.available = 0;
  for (Coding coding : kCompressedCodings) {
    if (open_sidecar(path, file, coding, now)) out.available |= coding_bit(coding);
  }
}

// A regular file inside the root (FileCache and DocumentRoot refuse anything
// else), not empty, not older than the original (else it is stale: made from
// an earlier version).
std::shared_ptr<const CachedFile> EncodedVariants::open_sidecar(const std::string& path, const CachedFile& file,
                                                                Coding coding,
                                                                std::chrono::steady_clock::time_point now) {
  sidecar_path_.assign(path).append(sidecar_suffix(coding));
  FileLookup found = files_.open(sidecar_path_, now);
  if (!found.file || found.file->st.st_size == 0) return nullptr;
  if (!not_older(found.file->st.st_mtim, file.st.st_mtim)) return nullptr;
  return std::move(found.file);
}

std::shared_ptr<const CompressedBody> EncodedVariants::compressed(const std::string& path, const CachedFile& file,
                                                                  Coding coding) {
  SourceStamp stamp = SourceStamp::of(file.st);
  if (auto cached = cache_.find(path, coding, stamp)) return cached;
  std::string storage;
  std::string_view input;
  if (!read_file(file, storage, input)) return nullptr;
  auto body = std::make_shared<CompressedBody>();
  if (!compress_body(coding, input, body->bytes)) return nullptr;
  body->bytes.shrink_to_fit();
  body->smaller = body->bytes.size() < input.size();
  body->etag_length = format_coded_etag(file.etag_view(), coding, body->etag, sizeof(body->etag));
  cache_.insert(path, coding, stamp, body);
  return body;
}

}  // namespace muxd::http
