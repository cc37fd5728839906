#pragma once
// What a logged-in session may do to the files beneath the root.

namespace muxd::ftp {

enum class Access {
  read_only,  // list and download only: --read-only, or an anonymous user without --anonymous-write
  full,       // a user from --users (or anonymous with --anonymous-write): everything inside the root
};

}  // namespace muxd::ftp
