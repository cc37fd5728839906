#include "http/body_decoder.h"

#include <algorithm>

#include "http/hex_digit.h"

namespace muxd::http {
namespace {

// Controls other than HTAB, and DEL: never part of an extension or a field.
bool is_forbidden_control(char c) {
  auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && byte != '\t') || byte == 0x7f;
}

// A chunk-size is at most 16 hex digits: 64 bits.
constexpr size_t kMaxSizeDigits = 16;

}  // namespace

BodyDecoder::BodyDecoder(uint64_t max_body_bytes) : max_body_bytes_(max_body_bytes) {}

void BodyDecoder::start(const Request& request) {
  error_status_ = 0;
  remaining_ = total_ = 0;
  size_digits_ = line_bytes_ = trailer_bytes_ = 0;
  switch (request.body) {
    case BodyFraming::None: state_ = State::Done; break;
    case BodyFraming::Chunked: state_ = State::ChunkSize; break;
    case BodyFraming::Length:
      if (request.content_length > max_body_bytes_) return fail(413);
      remaining_ = request.content_length;
      state_ = remaining_ == 0 ? State::Done : State::LengthData;
      break;
  }
}

BodyDecoder::Result BodyDecoder::feed(std::string_view data) {
  size_t used = 0;
  while (used < data.size() && state_ != State::Done && state_ != State::Failed) {
    if (state_ == State::LengthData || state_ == State::ChunkData) {
      used += skip_data(data.substr(used));
    } else {
      step(data[used++]);
    }
  }
  return {used, state_ == State::Done, error_status_};
}

size_t BodyDecoder::skip_data(std::string_view data) {
  size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
  remaining_ -= n;
  if (remaining_ == 0) state_ = state_ == State::LengthData ? State::Done : State::ChunkDataCR;
  return n;
}

// RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF,
// last-chunk = 1*"0" [ chunk-ext ] CRLF, then trailer-section CRLF. Line ends
// are strict CRLF here: a bare LF in framing is how smuggling starts.
void BodyDecoder::step(char c) {
  switch (state_) {
    case State::ChunkSize: return on_size_digit(c);
    case State::ChunkSizeWS: return on_size_whitespace(c);
    case State::ChunkExt: return on_chunk_ext(c);
    case State::ChunkSizeLF: return on_size_lf(c);
    case State::ChunkDataCR: return expect(c, '\r', State::ChunkDataLF);
    case State::ChunkDataLF:
      size_digits_ = line_bytes_ = 0;
      return expect(c, '\n', State::ChunkSize);
    default: return on_trailer(c);
  }
}

void BodyDecoder::on_size_digit(char c) {
  int digit = hex_value(c);
  if (digit < 0) return on_size_end(c);
  if (++size_digits_ > kMaxSizeDigits) return fail(400);
  ++line_bytes_;
  remaining_ = remaining_ * 16 + static_cast<uint64_t>(digit);
}

// The size is known once its digits end: count it against the body limit.
void BodyDecoder::on_size_end(char c) {
  if (size_digits_ == 0) return fail(400);
  if (remaining_ > max_body_bytes_ - total_) return fail(413);
  total_ += remaining_;
  if (c == '\r') {
    state_ = State::ChunkSizeLF;
  } else {
    state_ = State::ChunkSizeWS;
    on_size_whitespace(c);
  }
}

// chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ): whitespace
// after the size must lead to a ';'.
void BodyDecoder::on_size_whitespace(char c) {
  if (++line_bytes_ > kMaxChunkLine) return fail(400);
  if (c == ';') {
    state_ = State::ChunkExt;
  } else if (c != ' ' && c != '\t') {
    fail(400);
  }
}

// Extensions carry nothing this server uses: checked for controls, bounded, skipped.
void BodyDecoder::on_chunk_ext(char c) {
  if (c == '\r') {
    state_ = State::ChunkSizeLF;
  } else if (is_forbidden_control(c) || ++line_bytes_ > kMaxChunkLine) {
    fail(400);
  }
}

void BodyDecoder::on_size_lf(char c) {
  if (c != '\n') return fail(400);
  state_ = remaining_ == 0 ? State::TrailerLineStart : State::ChunkData;  // 0: the last chunk
}

// RFC 9112 §7.1.2: trailer fields are discarded, but their bytes are bounded
// and their framing checked like the rest.
void BodyDecoder::on_trailer(char c) {
  if (++trailer_bytes_ > kMaxTrailerBytes) return fail(431);
  if (state_ == State::TrailerLF) return expect(c, '\n', State::TrailerLineStart);
  if (state_ == State::FinalLF) return expect(c, '\n', State::Done);
  if (c == '\r') {
    state_ = state_ == State::TrailerLineStart ? State::FinalLF : State::TrailerLF;
  } else if (is_forbidden_control(c)) {
    fail(400);
  } else {
    state_ = State::TrailerLine;
  }
}

void BodyDecoder::expect(char c, char wanted, State next) {
  if (c == wanted) {
    state_ = next;
  } else {
    fail(400);
  }
}

void BodyDecoder::fail(int status) {
  state_ = State::Failed;
  error_status_ = status;
}

}  // namespace muxd::http
