// The committed fuzz seeds (test/fuzz/corpus/ikev1_message/) are generated from
// ikev1_samples.cc; this test keeps them in sync. Regenerate with:
//   VPNGW_WRITE_FUZZ_SEEDS=1 ./unit_wire --gtest_filter='Ikev1SeedCorpus.*'
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "unit/wire/ikev1_samples.h"
#include "wire/ikev1/message.h"

namespace vpngw::wire::v1 {
namespace {

std::filesystem::path corpusDir() {
  return std::filesystem::path(VPNGW_SOURCE_DIR) / "test/fuzz/corpus/ikev1_message";
}

Bytes readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(Ikev1SeedCorpus, SeedsAreValidInput) {
  for (const auto& seed : samples::seedCorpus()) {
    if (seed.name.starts_with("chain_")) {
      auto r = decodeDecryptedChain(seed.bytes[0], ByteView(seed.bytes).subspan(1));
      EXPECT_TRUE(r.ok()) << seed.name << ": " << r.error().message;
    } else {
      auto r = decode(seed.bytes);
      EXPECT_TRUE(r.ok()) << seed.name << ": " << r.error().message;
    }
    EXPECT_LE(seed.bytes.size(), 1024u) << seed.name;
  }
}

TEST(Ikev1SeedCorpus, CommittedFilesMatchTheGenerator) {
  bool write = std::getenv("VPNGW_WRITE_FUZZ_SEEDS") != nullptr;
  std::filesystem::path dir = corpusDir();
  if (write) {
    std::filesystem::create_directories(dir);
  }
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  for (const auto& seed : samples::seedCorpus()) {
    std::filesystem::path file = dir / (seed.name + ".bin");
    if (write) {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(seed.bytes.data()),
                static_cast<std::streamsize>(seed.bytes.size()));
      ASSERT_TRUE(out.good()) << file;
    }
    EXPECT_EQ(readFile(file), seed.bytes) << file << " is stale; regenerate (see file comment)";
  }
}

}  // namespace
}  // namespace vpngw::wire::v1
