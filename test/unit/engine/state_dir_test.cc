#include "engine/state_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "temp_dir.h"

namespace vpngw::engine {
namespace {

using testing::TempDir;

mode_t modeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode;
}

TEST(StateDir, CreatesMissingDirectoriesOwnerOnly) {
  TempDir tmp;
  std::string dir = tmp.file("a/b/state");
  ASSERT_TRUE(ensureStateDir(dir).ok());
  EXPECT_TRUE(S_ISDIR(modeOf(dir)));
  EXPECT_EQ(modeOf(dir) & 0777, 0700u);
  EXPECT_TRUE(ensureStateDir(dir).ok());  // again: fine
}

TEST(StateDir, KeepsAnExistingDirectory) {
  TempDir tmp;
  std::string dir = tmp.file("state");
  ASSERT_EQ(::mkdir(dir.c_str(), 0750), 0);
  ASSERT_TRUE(ensureStateDir(dir).ok());
  EXPECT_EQ(modeOf(dir) & 0777, 0750u);
}

TEST(StateDir, RefusesAFile) {
  TempDir tmp;
  std::string file = tmp.file("state");
  std::ofstream(file) << "x";
  Status s = ensureStateDir(file);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("not a directory"), std::string::npos);
  EXPECT_FALSE(ensureStateDir("").ok());
}

TEST(StateDir, ControlSocketPath) {
  EXPECT_EQ(controlSocketPath("/run/vpngw"), "/run/vpngw/control.sock");
  EXPECT_EQ(controlSocketPath("state/"), "state/control.sock");
}

}  // namespace
}  // namespace vpngw::engine
