#pragma once
// How the interactive chat client shows a line from the server on a terminal:
// a time stamp ("14:05 "), each name in a colour of its own, actions
// ("NAME : /me waves") as "* NAME waves". Piped output gets none of this:
// a script reads exactly what arrived.
#include <ctime>
#include <string>
#include <string_view>

namespace muxd::chat {

struct Presentation {
  bool colour = false;
  bool timestamps = true;
};

// Colour only on a terminal, and not when NO_COLOR is set to anything but ""
// (https://no-color.org) or TERM is "dumb". `no_color`/`term`: getenv's answers.
bool colour_wanted(bool terminal, const char* no_color, const char* term);

// The SGR foreground code (31-36, 91-96) for `name`: the same for every client
// and every run (a hash of its lower-case form), never black, white or grey.
int name_colour(std::string_view name);

// "HH:MM" of `when` in local time.
std::string clock_text(std::time_t when);

// `line` (already sanitised) as shown; `clock` is clock_text() of now.
std::string present_line(std::string_view line, const Presentation& style, std::string_view clock);

}  // namespace muxd::chat
