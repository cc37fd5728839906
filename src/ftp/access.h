#pragma once
// What a logged-in session may do to the files beneath the root.

namespace muxd::ftp {

enum class Access {
  read_only,  // --read-only: list and download only
  anonymous,  // also upload new files and create new directories; never change what exists
  full,       // a user from --users: everything inside the root
};

}  // namespace muxd::ftp
