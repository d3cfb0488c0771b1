#include "engine/state_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "engine/control_protocol.h"

namespace vpngw::engine {

Status ensureStateDir(const std::string& path) {
  if (path.empty()) {
    return makeError("state directory: empty path");
  }
  std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path() && p.parent_path() != p) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) {
      return makeError("cannot create " + p.parent_path().string() + ": " + ec.message());
    }
  }
  // mkdir applies the mode atomically (minus umask, which can only make it stricter).
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return makeError("cannot create state directory " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return makeError("state directory " + path + " is not a directory");
  }
  return {};
}

std::string controlSocketPath(const std::string& state_dir) {
  return (std::filesystem::path(state_dir) / kControlSocketName).string();
}

}  // namespace vpngw::engine
