#pragma once
// The data `muxd dict` serves when no --db is given: WordNet 3.0 from
// Debian's dict-wn (/usr/share/dictd/wn.index, wn.dict.dz) and the project's
// Chinese-English table (data/dict/zh-en.tsv), imported on first use into a
// SQLite file:
//   dict/default.sqlite beside the binary (build/dict/default.sqlite for
//   build/muxd), or, where that directory cannot be written (an installed
//   binary), $XDG_CACHE_HOME/muxd/dict/default.sqlite (~/.cache/muxd/...).
// Delete the file to have it imported again (after installing dict-wn, say).
#include <string>

namespace muxd::dict {

// The default database's path, importing it first if it is missing: into a
// temporary file beside it, renamed into place once committed, so that a
// killed import never leaves a half database under the real name, and two
// servers starting at once both end up with a whole one. A progress bar on
// stderr (when a terminal). Throws std::runtime_error (ImportError,
// StoreError, std::filesystem::filesystem_error) with a clear message.
std::string ensure_default_database();

// Where the pieces are looked for (exposed for tests and messages).
inline constexpr const char* kWordNetIndex = "/usr/share/dictd/wn.index";
std::string default_database_path();
std::string bundled_zh_en_path();  // "" when not found

}  // namespace muxd::dict
