#include "ftp/listing.h"

#include <array>

#include <fmt/format.h>

#include "ftp/root_directory.h"

namespace muxd::ftp {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::time_t kSixMonths = 182 * 24 * 3600;

struct FactName {
  Fact fact;
  std::string_view name;
};
constexpr std::array<FactName, 5> kFactNames = {{{kFactType, "type"},
                                                 {kFactSize, "size"},
                                                 {kFactModify, "modify"},
                                                 {kFactPerm, "perm"},
                                                 {kFactUnixMode, "UNIX.mode"}}};

bool listable_type(const struct stat& st) { return S_ISREG(st.st_mode) || S_ISDIR(st.st_mode); }

std::tm utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

std::string mode_string(const struct stat& st) {
  std::string mode = S_ISDIR(st.st_mode) ? "d" : "-";
  for (int shift = 6; shift >= 0; shift -= 3) {
    unsigned bits = (st.st_mode >> shift) & 7;
    mode += (bits & 4) ? 'r' : '-';
    mode += (bits & 2) ? 'w' : '-';
    mode += (bits & 1) ? 'x' : '-';
  }
  return mode;
}

// `ls -l` style: "Mar  5 14:02" within six months of now, "Mar  5  2019" otherwise.
std::string list_date(std::time_t mtime, std::time_t now) {
  std::tm tm = utc(mtime);
  std::string_view month = kMonths[static_cast<size_t>(tm.tm_mon) % kMonths.size()];
  bool recent = mtime <= now + 3600 && now - mtime < kSixMonths;
  if (recent) return fmt::format("{} {:>2} {:02}:{:02}", month, tm.tm_mday, tm.tm_hour, tm.tm_min);
  return fmt::format("{} {:>2} {:>5}", month, tm.tm_mday, tm.tm_year + 1900);
}

// RFC 3659 §7.5.5: what this session could do with the entry.
std::string_view perm_fact(const struct stat& st, Access access) {
  bool dir = S_ISDIR(st.st_mode);
  switch (access) {
    case Access::read_only: return dir ? "el" : "r";
    case Access::full: return dir ? "cdeflmp" : "adfrw";
  }
  return "";
}

class SingleListing : public ListingStream {
 public:
  SingleListing(std::string name, const struct stat& st, const ListingOptions& options)
      : name_(std::move(name)), st_(st), options_(options) {}

  bool fill(std::string& out, size_t) override {
    if (done_) return false;
    done_ = true;
    if (options_.format == ListingFormat::list) append_list_line(out, name_, st_, options_.now);
    if (options_.format == ListingFormat::facts) {
      append_facts_line(out, name_, st_, options_.facts, options_.access);
    }
    if (options_.format == ListingFormat::names) out.append(name_).append("\r\n");
    return false;
  }

 private:
  std::string name_;
  struct stat st_;
  ListingOptions options_;
  bool done_ = false;
};

// Reads through the root (core's DirectoryReader): a symlink entry is shown as
// what it leads to, and only if that is inside the root.
class DirectoryListing : public ListingStream {
 public:
  DirectoryListing(const RootDirectory& root, std::string dir_path, UniqueFd dir,
                   const ListingOptions& options)
      : reader_(root.read_directory(std::move(dir), std::move(dir_path))), options_(options) {}

  bool fill(std::string& out, size_t budget) override {
    while (out.size() < budget) {
      if (!reader_.next(&entry_)) return false;
      append_entry(out);
    }
    return reader_.valid();
  }

 private:
  void append_entry(std::string& out) const {
    const std::string& name = entry_.name;
    if (!listable_name(name, options_.dotfiles) || entry_.error != 0 || !listable_type(entry_.st)) return;
    switch (options_.format) {
      case ListingFormat::list: append_list_line(out, name, entry_.st, options_.now); break;
      case ListingFormat::facts:
        append_facts_line(out, name, entry_.st, options_.facts, options_.access);
        break;
      case ListingFormat::names: out.append(name).append("\r\n"); break;
    }
  }

  DirectoryReader reader_;
  DirectoryEntry entry_;  // reused: its name keeps its capacity
  ListingOptions options_;
};

}  // namespace

std::string describe_facts(FactSet enabled) {
  std::string out;
  for (const FactName& fact : kFactNames) {
    out.append(fact.name);
    if (enabled & fact.fact) out.push_back('*');
    out.push_back(';');
  }
  return out;
}

FactSet parse_fact_list(std::string_view list) {
  FactSet facts = 0;
  while (!list.empty()) {
    size_t semicolon = list.find(';');
    std::string_view name = list.substr(0, semicolon);
    for (const FactName& fact : kFactNames) {
      bool same = name.size() == fact.name.size();
      for (size_t i = 0; same && i < name.size(); ++i) {
        same = (name[i] | 0x20) == (fact.name[i] | 0x20);  // facts are case-insensitive
      }
      if (same) facts |= fact.fact;
    }
    list.remove_prefix(semicolon == std::string_view::npos ? list.size() : semicolon + 1);
  }
  return facts;
}

std::string format_timeval(std::time_t t) {
  std::tm tm = utc(t);
  return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void append_list_line(std::string& out, std::string_view name, const struct stat& st,
                      std::time_t now) {
  out.append(fmt::format("{} 1 ftp ftp {:>12} {} {}\r\n", mode_string(st),
                         static_cast<long long>(st.st_size), list_date(st.st_mtime, now), name));
}

std::string format_facts(const struct stat& st, FactSet facts, Access access) {
  std::string out;
  bool dir = S_ISDIR(st.st_mode);
  if (facts & kFactType) out.append(dir ? "type=dir;" : "type=file;");
  if ((facts & kFactSize) && !dir) out.append(fmt::format("size={};", st.st_size));
  if (facts & kFactModify) out.append(fmt::format("modify={};", format_timeval(st.st_mtime)));
  if (facts & kFactPerm) out.append(fmt::format("perm={};", perm_fact(st, access)));
  if (facts & kFactUnixMode) out.append(fmt::format("UNIX.mode={:04o};", st.st_mode & 07777));
  return out;
}

void append_facts_line(std::string& out, std::string_view name, const struct stat& st,
                       FactSet facts, Access access) {
  out.append(format_facts(st, facts, access)).append(" ").append(name).append("\r\n");
}

bool listable_name(std::string_view name, bool dotfiles) {
  if (name.empty() || name == "." || name == "..") return false;
  if (name.find_first_of("\r\n") != std::string_view::npos) return false;
  if (name[0] == '.' && !dotfiles) return false;
  return name.substr(0, kUploadPrefix.size()) != kUploadPrefix;
}

std::unique_ptr<ListingStream> list_directory(const RootDirectory& root, std::string dir_path,
                                              UniqueFd dir, const ListingOptions& options) {
  return std::make_unique<DirectoryListing>(root, std::move(dir_path), std::move(dir), options);
}

std::unique_ptr<ListingStream> list_single(std::string name, const struct stat& st,
                                           const ListingOptions& options) {
  return std::make_unique<SingleListing>(std::move(name), st, options);
}

}  // namespace muxd::ftp
