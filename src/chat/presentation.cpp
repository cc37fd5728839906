#include "chat/presentation.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>

#include "chat/protocol.h"
#include "chat/typed_line.h"

namespace muxd::chat {
namespace {

constexpr std::array<int, 12> kPalette = {31, 32, 33, 34, 35, 36, 91, 92, 93, 94, 95, 96};

std::string painted(std::string_view name, const Presentation& style) {
  if (!style.colour) return std::string(name);
  return fmt::format("\x1b[{}m{}\x1b[0m", name_colour(name), name);
}

// A name is one word (check_name() forbids spaces) and not empty.
bool looks_like_name(std::string_view word) { return !word.empty() && word.find(' ') == std::string_view::npos; }

std::string body(std::string_view line, const Presentation& style) {
  // "NAME : text" (a message) or "NAME joined the room" / "NAME left the room..."
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return std::string(line);
  const std::string_view name = line.substr(0, space), rest = line.substr(space);
  if (!looks_like_name(name)) return std::string(line);
  if (rest.starts_with(" : ")) {
    const std::string_view text = rest.substr(3);
    if (text.starts_with(kActionPrefix)) return "* " + painted(name, style) + " " + std::string(text.substr(kActionPrefix.size()));
    return painted(name, style) + std::string(rest);
  }
  if (rest == " joined the room" || rest.starts_with(" left the room")) return painted(name, style) + std::string(rest);
  return std::string(line);
}

}  // namespace

bool colour_wanted(bool terminal, const char* no_color, const char* term) {
  if (!terminal) return false;
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return term == nullptr || std::string_view(term) != "dumb";
}

int name_colour(std::string_view name) {
  uint32_t hash = 2166136261u;  // FNV-1a, 32 bits
  for (char c : name_key(name)) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return kPalette[hash % kPalette.size()];
}

std::string clock_text(std::time_t when) {
  std::tm local{};
  ::localtime_r(&when, &local);
  return fmt::format("{:02}:{:02}", local.tm_hour, local.tm_min);
}

std::string present_line(std::string_view line, const Presentation& style, std::string_view clock) {
  std::string out;
  if (style.timestamps) out.append(clock).append(" ");
  return out + body(line, style);
}

}  // namespace muxd::chat
