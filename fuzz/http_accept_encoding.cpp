// Fuzzes the Accept-Encoding parser and negotiation (http/content_coding.h):
// whatever the field value, every quality is a qvalue (0..1000) or unlisted,
// the chosen coding is available and acceptable, "not acceptable" means that
// no available coding (identity included) has a quality above 0, and a list
// split at a comma into two fields parses as the whole (RFC 9110 §5.3).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/content_coding.h"

namespace {

using muxd::http::AcceptEncoding;
using muxd::http::Coding;
using muxd::http::CodingSet;
using muxd::http::kCodingCount;

void require(bool condition) {
  if (!condition) std::abort();
}

bool same(const AcceptEncoding& a, const AcceptEncoding& b) {
  for (size_t i = 0; i < kCodingCount; ++i) {
    if (a.listed(static_cast<Coding>(i)) != b.listed(static_cast<Coding>(i))) return false;
  }
  return a.star() == b.star();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  auto available = static_cast<CodingSet>(data[0] & 0x0f);
  std::string_view value(reinterpret_cast<const char*>(data + 1), size - 1);
  AcceptEncoding accept;
  accept.add(value);
  for (size_t i = 0; i < kCodingCount; ++i) {
    int listed = accept.listed(static_cast<Coding>(i));
    require(listed == AcceptEncoding::kUnlisted || (listed >= 0 && listed <= 1000));
    int quality = accept.quality(static_cast<Coding>(i));
    require(quality >= 0 && quality <= 1000);
  }
  muxd::http::Negotiation chosen = muxd::http::negotiate(accept, available);
  CodingSet offered = available | muxd::http::coding_bit(Coding::identity);
  if (chosen.acceptable) {
    require(offered & muxd::http::coding_bit(chosen.coding));
    require(accept.quality(chosen.coding) > 0);
    for (size_t i = 0; i < kCodingCount; ++i) {
      auto coding = static_cast<Coding>(i);
      if (offered & muxd::http::coding_bit(coding)) require(accept.quality(coding) <= accept.quality(chosen.coding));
    }
  } else {
    for (size_t i = 0; i < kCodingCount; ++i) {
      auto coding = static_cast<Coding>(i);
      if (offered & muxd::http::coding_bit(coding)) require(accept.quality(coding) == 0);
    }
  }
  size_t comma = value.find(',');
  if (comma != std::string_view::npos) {
    AcceptEncoding split;
    split.add(value.substr(0, comma));
    split.add(value.substr(comma + 1));
    require(same(accept, split));
  }
  return 0;
}
