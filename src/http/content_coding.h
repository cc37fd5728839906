#pragma once
// Content codings (RFC 9110 §8.4.1) and proactive negotiation by
// Accept-Encoding (§12.5.3): which of a resource's representations (identity,
// br, zstd, gzip) a request gets. Pure functions, no IO.
#include <array>
#include <cstdint>
#include <string_view>

namespace muxd::http {

// `--compress`: auto (sidecars, else on the fly), static (sidecars only), off.
enum class CompressMode : uint8_t { automatic, sidecars_only, off };

// In the server's order of preference when the client rates several equally:
// the smallest output first (brotli, then zstd, then gzip), identity last.
enum class Coding : uint8_t { br, zstd, gzip, identity };
inline constexpr size_t kCodingCount = 4;
inline constexpr std::array<Coding, 3> kCompressedCodings{Coding::br, Coding::zstd, Coding::gzip};

// The token sent in Content-Encoding ("br", "zstd", "gzip"; "identity").
std::string_view coding_name(Coding coding);
// The sidecar file suffix: ".br", ".zst", ".gz" (empty for identity).
std::string_view sidecar_suffix(Coding coding);

// A parsed Accept-Encoding: the q-value (in thousandths, 0..1000) the client
// gave each coding we know, and "*". Several fields are one list (RFC 9110
// §5.3): call add() for each. Unknown codings (deflate, compress) are ignored,
// "x-gzip" is gzip (§8.4.1.3). A member whose weight is malformed is ignored
// as a whole; when a coding is listed twice the first listing counts.
class AcceptEncoding {
 public:
  static constexpr int kUnlisted = -1;
  static constexpr int kImplicitIdentity = 1;

  void add(std::string_view field_value);

  bool present() const { return present_; }
  int listed(Coding coding) const { return q_[static_cast<size_t>(coding)]; }
  int star() const { return star_; }

  // §12.5.3 in effect for one coding: its own q when listed, else "*"'s, else
  // identity is acceptable and every other coding is not (0). The RFC gives
  // unlisted identity no weight: it gets the lowest one (0.001), so that
  // "gzip;q=0.5" means gzip rather than identity at an implied 1. Without
  // any Accept-Encoding field a user agent accepts every coding, but a server
  // may still send identity; muxd does (as nginx and Caddy do), so that a
  // client that never asked never has to decode.
  int quality(Coding coding) const;

 private:
  void add_member(std::string_view member);

  std::array<int16_t, kCodingCount> q_{kUnlisted, kUnlisted, kUnlisted, kUnlisted};
  int16_t star_ = kUnlisted;
  bool present_ = false;
};

// Parses a qvalue (§12.4.2): "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")], into
// thousandths; -1 when malformed.
int parse_qvalue(std::string_view text);

// A set of available codings (bit per Coding).
using CodingSet = uint8_t;
constexpr CodingSet coding_bit(Coding coding) { return static_cast<CodingSet>(1u << static_cast<unsigned>(coding)); }

struct Negotiation {
  Coding coding = Coding::identity;
  bool acceptable = true;  // false: 406 (§15.5.7), identity itself was refused
};

// Picks among `available` (identity is always available: the file itself)
// the coding with the highest quality, ties broken by the Coding order above.
// A coding with quality 0 is never picked (§12.4.2 "not acceptable"). When
// nothing is acceptable, not even identity ("identity;q=0" or "*;q=0" without
// a more specific identity entry), the result is not acceptable: §12.5.3
// otherwise says to send identity.
Negotiation negotiate(const AcceptEncoding& accept, CodingSet available);

// Whether a Content-Type is worth compressing on the fly: text, JavaScript,
// JSON, XML, SVG, wasm, fonts that are not compressed already (ttf, otf), icons
// and bitmaps. Images, audio, video, archives and woff/woff2 are compressed
// already and only grow.
bool is_compressible_type(std::string_view content_type);

}  // namespace muxd::http
