#pragma once
// The one Vary field of a response (RFC 9110 §12.5.5): every request field
// that chose this response, in one line. Several Vary lines are legal (§5.3
// lets a recipient join them with commas), but caches and CDNs that read only
// the first line would miss the others, so each response says it once:
// "Vary: Accept, Accept-Encoding, Origin". The pieces are collected as the
// response is decided (listing or SPA: Accept; encoded variants:
// Accept-Encoding; CORS for one origin: Origin; --header 'Vary: ...') and
// written together by StaticSite when the head is finished.
#include <cstdint>
#include <string_view>

#include "http/header_writer.h"

namespace muxd::http {

class VaryFields {
 public:
  enum Field : uint8_t { accept = 1, accept_encoding = 2, origin = 4 };

  VaryFields() = default;
  VaryFields(Field field) : fields_(field) {}  // NOLINT: implicit, VaryFields::accept reads well

  VaryFields& add(VaryFields other) {
    fields_ = static_cast<uint8_t>(fields_ | other.fields_);
    return *this;
  }
  bool has(Field field) const { return (fields_ & field) != 0; }
  bool empty() const { return fields_ == 0; }

 private:
  uint8_t fields_ = 0;
};

// Longest line write_vary() writes, besides `operator_fields`.
inline constexpr size_t kVaryRoom = 48;

// "Vary: " the fields, then the operator's own list (`operator_fields`, from
// --header 'Vary: ...', already a valid field value), "\r\n"; nothing at all
// when both are empty.
inline void write_vary(HeaderWriter& head, VaryFields vary, std::string_view operator_fields = {}) {
  constexpr struct {
    VaryFields::Field field;
    std::string_view name;
  } kNames[] = {{VaryFields::accept, "Accept"}, {VaryFields::accept_encoding, "Accept-Encoding"},
                {VaryFields::origin, "Origin"}};
  std::string_view separator = "Vary: ";
  for (const auto& [field, name] : kNames) {
    if (!vary.has(field)) continue;
    head.text(separator).text(name);
    separator = ", ";
  }
  if (!operator_fields.empty()) head.text(separator).text(operator_fields);
  if (!vary.empty() || !operator_fields.empty()) head.text("\r\n");
}

}  // namespace muxd::http
