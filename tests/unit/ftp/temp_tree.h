#pragma once
// TempTree: a scratch directory for tests, removed with everything in it.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace muxd::ftp::testing {

class TempTree {
 public:
  TempTree() {
    std::string pattern = (std::filesystem::temp_directory_path() / "muxd-ftp-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempTree() { std::filesystem::remove_all(path_); }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::string& path() const { return path_; }
  std::string at(const std::string& relative) const { return path_ + "/" + relative; }

  void write(const std::string& relative, const std::string& content) const {
    std::ofstream(at(relative), std::ios::binary) << content;
  }
  std::string read(const std::string& relative) const {
    std::ifstream in(at(relative), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  }
  bool exists(const std::string& relative) const { return std::filesystem::exists(at(relative)); }
  void mkdir(const std::string& relative) const { std::filesystem::create_directories(at(relative)); }
  void symlink(const std::string& target, const std::string& relative) const {
    std::filesystem::create_symlink(target, at(relative));
  }
  // Names in a directory, sorted.
  std::vector<std::string> names(const std::string& relative = ".") const {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(at(relative))) {
      out.push_back(entry.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::string path_;
};

}  // namespace muxd::ftp::testing
